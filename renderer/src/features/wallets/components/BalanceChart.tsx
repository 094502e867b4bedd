import { useMemo } from 'react'
import { formatMoney } from '../../../shared/format'
import { Card } from '../../../shared/ui'
import { useWalletsStore } from '../store'
import { balanceSeries } from '../timeline'

const W = 640
const H = 180
const PAD = { l: 44, r: 12, t: 10, b: 22 }
const COLORS = ['var(--accent)', 'var(--good)', 'var(--warn)', 'var(--info)', 'var(--bad)', '#b57cff', '#ff8fd0', '#8fd3c7']

/** Balances over time, one step line per agent; the selected agent is drawn on top, bold. */
export function BalanceChart() {
  const timeline = useWalletsStore((s) => s.timeline)
  const selected = useWalletsStore((s) => s.selected)
  const { series, steps } = useMemo(() => balanceSeries(timeline), [timeline])
  if (steps < 2) return null

  // Zoom to the band the balances live in, so small transfers stay visible.
  const values = series.flatMap((s) => s.points.map(([, v]) => v))
  const spread = Math.max(...values) - Math.min(...values)
  const pad = spread > 0 ? spread * 0.12 : Math.max(1, Math.abs(values[0] ?? 1) * 0.1)
  const lo = Math.max(0, Math.min(...values) - pad)
  const hi = Math.max(...values) + pad
  const x = (i: number) => PAD.l + (i / Math.max(1, steps - 1)) * (W - PAD.l - PAD.r)
  const y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b)
  const path = (pts: [number, number][]) => {
    let d = ''
    pts.forEach(([i, v], k) => {
      d += k === 0 ? `M${x(i)},${y(v)}` : `H${x(i)}V${y(v)}`
    })
    return d + `H${x(steps - 1)}`
  }
  const ordered = [...series].sort((a, b) => Number(a.agent === selected) - Number(b.agent === selected))
  const color = (agent: string) => COLORS[series.findIndex((s) => s.agent === agent) % COLORS.length]

  return (
    <Card title="Balances over time" label="Balances over time">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Balances of ${series.length} wallets over ${steps} transactions`}>
        {[0, 0.5, 1].map((f) => {
          const v = lo + (hi - lo) * f
          return (
            <g key={f}>
              <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} className="chart-grid" />
              <text x={PAD.l - 6} y={y(v) + 4} className="chart-label" textAnchor="end">{formatMoney(String(Math.round(v)))}</text>
            </g>
          )
        })}
        <text x={W - PAD.r} y={H - 4} className="chart-label" textAnchor="end">{steps} transactions →</text>
        {ordered.map((s) => (
          <path
            key={s.agent}
            d={path(s.points)}
            fill="none"
            style={{ stroke: color(s.agent) }}
            strokeWidth={s.agent === selected ? 2.6 : 1.6}
            opacity={selected && s.agent !== selected ? 0.35 : 1}
          />
        ))}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.agent} className={selected && s.agent !== selected ? 'faint' : ''}>
            <span className="legend-swatch" style={{ background: color(s.agent) }} />
            {s.agent}
          </li>
        ))}
      </ul>
    </Card>
  )
}

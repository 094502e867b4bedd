import { useMemo } from 'react'
import { formatMoney } from '../../../shared/format'
import { Card } from '../../../shared/ui'
import { useWalletsStore } from '../store'
import { balanceSeries, tickLabel, timeTicks } from '../timeline'

const W = 640
const H = 200
const PAD = { l: 48, r: 14, t: 10, b: 24 }
const COLORS = ['var(--accent)', 'var(--good)', 'var(--warn)', 'var(--info)', 'var(--bad)', '#b57cff', '#ff8fd0', '#8fd3c7']

/**
 * Balances over time: one step line per agent, x is the commit time (left: the first wallet,
 * right: the latest change). The legend names each line with its balance; clicking an entry (or a
 * table row) selects that agent, drawn bold on top. Appears once the first transfer is made.
 */
export function BalanceChart() {
  const timeline = useWalletsStore((s) => s.timeline)
  const selected = useWalletsStore((s) => s.selected)
  const select = useWalletsStore((s) => s.select)
  const { series, from, to, transfers } = useMemo(() => balanceSeries(timeline), [timeline])
  if (transfers === 0) return null

  // Leave a little room after the last change so its step is visible.
  const end = to + Math.max(1000, (to - from) * 0.04)
  const values = series.flatMap((s) => s.points.map(([, v]) => v))
  const spread = Math.max(...values) - Math.min(...values)
  const pad = spread > 0 ? spread * 0.12 : Math.max(1, Math.abs(values[0] ?? 1) * 0.1)
  const lo = Math.max(0, Math.min(...values) - pad)
  const hi = Math.max(...values) + pad
  const x = (t: number) => PAD.l + ((t - from) / Math.max(1, end - from)) * (W - PAD.l - PAD.r)
  const y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b)
  // Equal balances would draw on top of each other: each line sits a hair (≤ 1.5 px per line) off
  // the exact value, so a bundle of wallets at 100.00 reads as several lines, not one.
  const nudge = (i: number) => (i - (series.length - 1) / 2) * 1.5
  const path = (pts: [number, number][], i: number) => {
    let d = ''
    pts.forEach(([t, v], k) => {
      const yy = (y(v) + nudge(i)).toFixed(1)
      d += k === 0 ? `M${x(t).toFixed(1)},${yy}` : `H${x(t).toFixed(1)}V${yy}`
    })
    return d + `H${x(end).toFixed(1)}`
  }
  const color = (i: number) => COLORS[i % COLORS.length]
  const indexed = series.map((s, i) => ({ ...s, i }))
  const ordered = [...indexed].sort((a, b) => Number(a.agent === selected) - Number(b.agent === selected))
  const span = end - from

  return (
    <Card title="Balances over time" label="Balances over time">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Balances of ${series.length} wallets over time, ${transfers} transfer${transfers === 1 ? '' : 's'}`}>
        {[0, 0.5, 1].map((f) => {
          const v = lo + (hi - lo) * f
          return (
            <g key={f}>
              <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} className="chart-grid" />
              <text x={PAD.l - 6} y={y(v) + 4} className="chart-label" textAnchor="end">{formatMoney(String(Math.round(v)))}</text>
            </g>
          )
        })}
        {timeTicks(from, end).map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={H - PAD.b} y2={H - PAD.b + 4} className="chart-axis" />
            <text x={x(t)} y={H - 6} className="chart-label" textAnchor="middle">{tickLabel(t, span)}</text>
          </g>
        ))}
        <line x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} className="chart-axis" />
        {ordered.map((s) => (
          <g key={s.agent} opacity={selected && s.agent !== selected ? 0.3 : 1} data-testid={`series-${s.agent}`}>
            <path d={path(s.points, s.i)} fill="none" style={{ stroke: color(s.i) }} strokeWidth={s.agent === selected ? 2.6 : 1.7} strokeLinejoin="round" />
            {s.points.slice(1).map(([t, v], k) => <circle key={k} cx={x(t)} cy={y(v) + nudge(s.i)} r={2.6} style={{ fill: color(s.i) }} />)}
          </g>
        ))}
      </svg>
      <ul className="legend" aria-label="Legend">
        {indexed.map((s) => {
          const last = s.points[s.points.length - 1]?.[1] ?? 0
          return (
            <li key={s.agent}>
              <button type="button" className={`legend-item ${selected && s.agent !== selected ? 'legend-dim' : ''}`} aria-pressed={s.agent === selected} onClick={() => void select(s.agent === selected ? null : s.agent)}>
                <span className="legend-swatch" style={{ background: color(s.i) }} aria-hidden="true" />
                {s.agent} <span className="faint num">{formatMoney(String(last))}</span>
              </button>
            </li>
          )
        })}
      </ul>
    </Card>
  )
}

import { CHAR_W, middleCut } from '../chartLabels'

/** Most bars drawn; a larger rollout shows its highest values (the tables have every variant). */
const MAX_BARS = 60

/** One bar per variant (SVG, no chart library): the value and its label, scaled to the largest. */
export function BarChart({ title, unit, bars, digits = 2 }: { title: string; unit?: string; bars: { label: string; value: number | null }[]; digits?: number }) {
  const shown = bars.length > MAX_BARS ? [...bars].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity)).slice(0, MAX_BARS) : bars
  const max = Math.max(0, ...shown.map((b) => b.value ?? 0))
  const rowH = 22
  const width = 420
  const labels = shown.map((b) => middleCut(b.label))
  const labelW = Math.min(width * 0.5, Math.max(40, ...labels.map((l) => l.length * CHAR_W)) + 8)
  const height = shown.length * rowH + 4
  return (
    <figure className="bar-chart">
      <figcaption>{title}{shown.length < bars.length && <span className="faint"> · highest {shown.length} of {bars.length}</span>}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${shown.map((b) => `${b.label} ${b.value === null ? 'none' : b.value.toFixed(digits)}`).join(', ')}`}>
        {shown.map((b, i) => {
          const w = b.value === null || max === 0 ? 0 : ((width - labelW - 64) * b.value) / max
          const y = i * rowH + 2
          return (
            <g key={b.label}>
              <title>{`${b.label}: ${b.value === null ? 'none' : b.value.toFixed(digits)}${unit ?? ''}`}</title>
              <text x={0} y={y + 14} className="chart-label">{labels[i]}</text>
              <rect x={labelW} y={y + 3} width={Math.max(w, b.value ? 2 : 0)} height={rowH - 8} rx={3} className="bar-rect" />
              <text x={labelW + w + 6} y={y + 14} className="chart-label">{b.value === null ? '–' : `${b.value.toFixed(digits)}${unit ?? ''}`}</text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

/** One bar per variant (SVG, no chart library): the value and its label, scaled to the largest. */
export function BarChart({ title, unit, bars, digits = 2 }: { title: string; unit?: string; bars: { label: string; value: number | null }[]; digits?: number }) {
  const max = Math.max(0, ...bars.map((b) => b.value ?? 0))
  const rowH = 22
  const width = 320
  const labelW = 110
  const height = bars.length * rowH + 4
  return (
    <figure className="bar-chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value === null ? 'none' : b.value.toFixed(digits)}`).join(', ')}`}>
        {bars.map((b, i) => {
          const w = b.value === null || max === 0 ? 0 : ((width - labelW - 60) * b.value) / max
          const y = i * rowH + 2
          return (
            <g key={b.label}>
              <text x={0} y={y + 14} className="chart-label">{b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}</text>
              <rect x={labelW} y={y + 3} width={Math.max(w, b.value ? 2 : 0)} height={rowH - 8} rx={3} className="bar-rect" />
              <text x={labelW + w + 6} y={y + 14} className="chart-label">{b.value === null ? '–' : `${b.value.toFixed(digits)}${unit ?? ''}`}</text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

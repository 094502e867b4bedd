/** A labelled progress bar (0..1). */
export function ProgressBar({ label, fraction }: { label: string; fraction: number }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100)
  return (
    <div className="bundle-progress">
      <span>{label} {pct}%</span>
      <progress max={100} value={pct} aria-label={label} />
    </div>
  )
}

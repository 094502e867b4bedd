import type { RolloutDetail } from '../../../../../preload/contract'
import { Badge, type Tone } from '../../../shared/ui'

const TONE: Record<string, Tone> = { queued: 'neutral', running: 'info', done: 'good', failed: 'bad' }

/** One cell per variant, grouped by team: status, score, tokens and cost as they arrive. */
export function VariantGrid({ detail }: { detail: RolloutDetail }) {
  const teams = [...new Set(detail.variants.map((v) => v.team))]
  const { counts, total } = detail
  const finished = counts.done + counts.failed
  return (
    <section className="variant-grid-wrap" aria-label="Variants">
      <div className="progress-line">
        <div className="progress" role="progressbar" aria-label="Rollout progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={finished}>
          <span className="progress-done" style={{ width: `${(counts.done / Math.max(1, total)) * 100}%` }} />
          <span className="progress-failed" style={{ width: `${(counts.failed / Math.max(1, total)) * 100}%` }} />
        </div>
        <span className="muted nowrap">{finished}/{total} finished · {counts.running} running · {counts.queued} queued{counts.failed ? ` · ${counts.failed} failed` : ''}</span>
      </div>
      {teams.map((team) => (
        <div key={team} className="team-row">
          <div className="team-name mono">{team}</div>
          <div className="variant-grid">
            {detail.variants.filter((v) => v.team === team).map((v) => (
              <div key={v.variantId} className={`variant-cell status-${v.status}`} data-testid="variant-cell" data-status={v.status} title={v.error ?? undefined}>
                <div className="variant-cell-head">
                  <span className="mono">{v.variantId}</span>
                  <Badge tone={TONE[v.status]}>{v.status}</Badge>
                </div>
                <div className="variant-cell-body">
                  {v.metrics ? (
                    <>
                      <span>score <strong>{v.metrics.score === null ? '–' : v.metrics.score.toFixed(2)}</strong></span>
                      <span className="faint">{v.metrics.usage.totalTokens.toLocaleString('en-US')} tok · ${v.metrics.usage.costUsd.toFixed(4)}</span>
                    </>
                  ) : v.status === 'running' ? <span className="faint">running…</span> : v.error ? <span className="cell-error">{v.error}</span> : <span className="faint">waiting</span>}
                </div>
              </div>
            ))}
          </div>
        </div>
      ))}
    </section>
  )
}

import type { RolloutSummary, TeamAggregate } from '../../../../preload/contract'

/** The status a user sees for a rollout, with its badge tone. */
export interface RolloutStateLabel {
  text: string
  tone: 'good' | 'bad' | 'info' | 'warn'
  /** Nothing runs it: offer Resume. */
  resumable: boolean
}

/**
 * What a rollout's badge says. `interrupted` comes from main (no live process runs it: not this
 * host, not a CLI run); a `running` rollout another process runs says so and cannot be resumed here.
 */
export function rolloutStateLabel(r: Pick<RolloutSummary, 'status' | 'active' | 'interrupted'>): RolloutStateLabel {
  if (r.interrupted) return { text: 'interrupted', tone: 'warn', resumable: true }
  if (r.status === 'done') return { text: 'done', tone: 'good', resumable: false }
  if (r.status === 'failed') return { text: 'failed', tone: 'bad', resumable: false }
  if (r.status === 'running' && !r.active) return { text: 'running elsewhere', tone: 'info', resumable: false }
  return { text: r.status, tone: 'info', resumable: false }
}

const score = (n: number | null) => (n === null ? '' : ` ${n.toFixed(3)}`)

/**
 * A team's best variant as shown: `v001 (0.750)`; a shared top score is a tie, never one "best"
 * variant: `tie 0.750 (v000, v001)`; `–` when nothing is scored.
 */
export function bestLabel(t: Pick<TeamAggregate, 'bestVariant' | 'bestScore' | 'tie' | 'tiedVariants'>): string {
  if (t.tie) return `tie${score(t.bestScore)} (${t.tiedVariants.join(', ')})`
  if (t.bestVariant) return `${t.bestVariant} (${t.bestScore === null ? '–' : t.bestScore.toFixed(3)})`
  return '–'
}

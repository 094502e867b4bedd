import { roundsImprovement, type VariantRecord } from '../../engine/rollouts/types'
import { metricValue, namedMetrics } from '../../../preload/contract/learningMetrics'
import { pc, table } from '../output'

export { namedMetrics }

/**
 * The learning rollout's tables: per-metric columns (the metrics a team's `eval.metrics`
 * names) and the feedback rounds (score per round, improvement, the branch of the last round).
 */

/** Cells of the named metrics for one variant (3 decimals, `–` when absent). */
export const metricCells = (v: VariantRecord, names: readonly string[]): string[] =>
  names.map((m) => { const x = metricValue(v, m); return x === null ? '–' : x.toFixed(3) })

const signed = (x: number | null): string => (x === null ? '–' : x > 1e-9 ? pc.green(`+${x.toFixed(3)}`) : x < -1e-9 ? pc.red(x.toFixed(3)) : '0.000')

/** "Feedback rounds": one column per round, the improvement (last − first) and the last round's branch. Empty without loops. */
export function roundsTable(variants: readonly VariantRecord[]): string {
  const looped = variants.filter((v) => v.metrics?.rounds?.length)
  if (!looped.length) return ''
  const n = Math.max(...looped.map((v) => v.metrics!.rounds!.length))
  const head = ['team', 'variant', ...Array.from({ length: n }, (_, i) => `round ${i + 1}`), 'improvement', 'branch (last round)']
  const rows = looped.map((v) => {
    const rounds = v.metrics!.rounds!
    return [
      v.team, v.variantId,
      ...Array.from({ length: n }, (_, i) => (rounds[i] ? (rounds[i]!.score === null ? pc.red('error') : rounds[i]!.score!.toFixed(3)) : '')),
      signed(roundsImprovement(rounds)), rounds[rounds.length - 1]!.branchId,
    ]
  })
  return table('Feedback rounds (score per round; each round after the first is a new branch of the variant\'s conversation)', head, rows)
}

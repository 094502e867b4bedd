/**
 * Reading a learning rollout's per-metric scores and feedback rounds off a variant row: one
 * implementation for the CLI tables (stored rows) and the app (contract views), which share this
 * shape.
 */

/** What these helpers read of a variant row (a stored `VariantRecord` or a contract `VariantView`). */
export interface LearningRow {
  metrics?: {
    scores?: readonly { metricNames?: readonly string[]; metrics: Readonly<Record<string, unknown>> }[]
    rounds?: readonly { score: number | null }[]
  } | null
}

/** Every metric named by an `eval.metrics` of these variants, in first-seen order. */
export function namedMetrics(variants: readonly LearningRow[]): string[] {
  const out: string[] = []
  for (const v of variants) for (const s of v.metrics?.scores ?? []) for (const m of s.metricNames ?? []) if (!out.includes(m)) out.push(m)
  return out
}

/** The value of a named metric on a variant: from the first evaluator that named it; null when absent. */
export function metricValue(v: LearningRow, metric: string): number | null {
  for (const s of v.metrics?.scores ?? []) {
    const x = s.metrics[metric]
    if (s.metricNames?.includes(metric) && typeof x === 'number') return x
  }
  return null
}

/** Last feedback round's score minus the first's; null without a loop or a missing score. */
export function roundsImprovement(rounds: readonly { score: number | null }[] | undefined): number | null {
  const first = rounds?.[0]?.score
  const last = rounds?.[rounds.length - 1]?.score
  return first == null || last == null ? null : last - first
}

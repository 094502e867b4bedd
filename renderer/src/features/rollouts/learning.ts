import type { VariantView } from '../../../../preload/contract'

/** Metrics named by a team's `eval.metrics` (learning rollouts), in first-seen order: one column / chart each. */
export function namedMetricsOf(variants: readonly VariantView[]): string[] {
  const out: string[] = []
  for (const v of variants) for (const s of v.metrics?.scores ?? []) for (const m of s.metricNames ?? []) if (!out.includes(m)) out.push(m)
  return out
}

/** A named metric's value on a variant (from the evaluator that named it); null when absent. */
export function metricValueOf(v: VariantView, metric: string): number | null {
  for (const s of v.metrics?.scores ?? []) if (s.metricNames?.includes(metric) && typeof s.metrics[metric] === 'number') return s.metrics[metric]!
  return null
}

/** Last feedback round's score minus the first's; null without a feedback loop. */
export function improvementOf(v: VariantView): number | null {
  const r = v.metrics?.rounds
  if (!r?.length) return null
  const first = r[0]!.score
  const last = r[r.length - 1]!.score
  return first === null || last === null ? null : last - first
}

import type { VariantView } from '../../../../preload/contract'
import { metricValue, namedMetrics, roundsImprovement } from '../../../../preload/contract/learningMetrics'

/** Metrics named by a team's `eval.metrics` (learning rollouts), in first-seen order: one column / chart each. */
export const namedMetricsOf = (variants: readonly VariantView[]): string[] => namedMetrics(variants)

/** A named metric's value on a variant (from the evaluator that named it); null when absent. */
export const metricValueOf = (v: VariantView, metric: string): number | null => metricValue(v, metric)

/** Last feedback round's score minus the first's; null without a feedback loop. */
export const improvementOf = (v: VariantView): number | null => roundsImprovement(v.metrics?.rounds)

import type { VariantRecord } from './types'

/** Scores closer than this are the same score (judges answer with a few decimals). */
const SAME = 1e-9

/** The top of a team: one best variant, a tie between several, or nothing scored yet. */
export type TeamBest =
  | { kind: 'best'; variantId: string; score: number }
  | { kind: 'tie'; variantIds: string[]; score: number }
  | { kind: 'none' }

/**
 * The best finished variant by primary score. When more than one variant has the top score no
 * variant is "best": the result is a tie naming them (so "best variant" is never claimed when
 * every score ties).
 */
export function teamBest(variants: readonly VariantRecord[]): TeamBest {
  const scored = variants.filter((v) => v.status === 'done' && typeof v.metrics?.score === 'number')
  if (!scored.length) return { kind: 'none' }
  const top = Math.max(...scored.map((v) => v.metrics!.score!))
  const atTop = scored.filter((v) => Math.abs(v.metrics!.score! - top) <= SAME)
  return atTop.length === 1 ? { kind: 'best', variantId: atTop[0]!.variantId, score: top } : { kind: 'tie', variantIds: atTop.map((v) => v.variantId), score: top }
}

/** Plain-text cell: `0.750 (v2)`, `tie 0.250 (a, b)` or `–`. */
export function teamBestText(best: TeamBest): string {
  if (best.kind === 'none') return '–'
  if (best.kind === 'best') return `${best.score.toFixed(3)} (${best.variantId})`
  return `tie ${best.score.toFixed(3)} (${best.variantIds.join(', ')})`
}

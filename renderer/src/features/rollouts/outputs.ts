import { flattenOverrides, type RolloutDetail, type VariantPhase, type VariantView } from '../../../../preload/contract'

/** A score below this counts as a failing answer (the judge or check said no). */
export const PASS_SCORE = 0.5

/** `team/variant`: unique within a rollout. */
export const variantKey = (v: Pick<VariantView, 'team' | 'variantId'>): string => `${v.team}/${v.variantId}`

/** What a variant is doing now; older hosts send no phase, so fall back on the status. */
export const phaseOf = (v: VariantView): VariantPhase => v.phase ?? v.status

/** Every problem of a variant: its own error, errors met on the way, evaluator failures. */
export const errorsOf = (v: VariantView): string[] => [
  ...(v.error ? [v.error] : []),
  ...(v.metrics?.errors ?? []),
  ...(v.metrics?.scores.filter((s) => s.error).map((s) => `${s.evaluator}: ${s.error}`) ?? []),
]

/** Failed, errored, or scored below {@link PASS_SCORE}. */
export const isFailing = (v: VariantView): boolean =>
  v.status === 'failed' || errorsOf(v).length > 0 || (typeof v.metrics?.score === 'number' && v.metrics.score < PASS_SCORE)

/** The primary evaluator's comment (or its error). */
export const commentOf = (v: VariantView): string | null => {
  const s = v.metrics?.scores[0]
  return s ? (s.comment ?? s.error ?? null) : null
}

export type OutputSort = 'position' | 'score-desc' | 'score-asc' | 'tokens-desc' | 'latency-desc'

export interface OutputFilter {
  failedOnly: boolean
  /** A team name, or null for every team. */
  team: string | null
  /** Case-insensitive text looked for in the answer, comment, variant id, error and config. */
  text: string
  sort: OutputSort
}

export const DEFAULT_FILTER: OutputFilter = { failedOnly: false, team: null, text: '', sort: 'position' }

/** One cell of the Outputs matrix: a team's variant, and whether it passes the filter. */
export interface OutputCell {
  variant: VariantView
  match: boolean
}

/** One row of the Outputs matrix: a variant id across the shown teams. */
export interface OutputRow {
  variantId: string
  position: number
  cells: Record<string, OutputCell | undefined>
  /** Mean over the matching cells (for sorting and display). */
  score: number | null
  tokens: number | null
  latencyMs: number | null
}

export interface OutputMatrix {
  teams: string[]
  rows: OutputRow[]
  /** Cells that pass the filter (over the shown rows). */
  matches: number
  /** Variants in the rollout. */
  total: number
}

const searchable = (v: VariantView): string =>
  [v.variantId, v.metrics?.answer ?? '', commentOf(v) ?? '', ...errorsOf(v), ...Object.entries(flattenOverrides(v.overrides)).map(([k, x]) => `${k}=${x}`)].join('\n').toLowerCase()

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)

/**
 * The Outputs matrix: rows are variant ids, columns the teams (each cell a team's answer for that
 * variant). A cell matches when it passes every filter; rows without a matching cell are dropped.
 */
export function outputMatrix(detail: Pick<RolloutDetail, 'variants'>, f: OutputFilter): OutputMatrix {
  const allTeams = [...new Set(detail.variants.map((v) => v.team))]
  const teams = f.team && allTeams.includes(f.team) ? [f.team] : allTeams
  const needle = f.text.trim().toLowerCase()
  const byId = new Map<string, OutputRow>()
  for (const v of detail.variants) {
    if (!teams.includes(v.team)) continue
    const match = (!f.failedOnly || isFailing(v)) && (!needle || searchable(v).includes(needle))
    const row = byId.get(v.variantId) ?? { variantId: v.variantId, position: v.position, cells: {}, score: null, tokens: null, latencyMs: null }
    row.position = Math.min(row.position, v.position)
    row.cells[v.team] = { variant: v, match }
    byId.set(v.variantId, row)
  }
  const rows = [...byId.values()].filter((r) => Object.values(r.cells).some((c) => c?.match))
  for (const r of rows) {
    const ms = Object.values(r.cells).filter((c): c is OutputCell => !!c?.match).map((c) => c.variant.metrics).filter((m) => !!m)
    r.score = mean(ms.map((m) => m.score).filter((s): s is number => typeof s === 'number'))
    r.tokens = mean(ms.map((m) => m.usage.totalTokens))
    r.latencyMs = mean(ms.map((m) => m.wallMs))
  }
  const by = (get: (r: OutputRow) => number | null, dir: 1 | -1) => (a: OutputRow, b: OutputRow) => {
    const x = get(a), y = get(b)
    // Rows without a value go last either way.
    if (x === null || y === null) return x === y ? a.position - b.position : x === null ? 1 : -1
    return (x - y) * dir || a.position - b.position
  }
  const sorters: Record<OutputSort, (a: OutputRow, b: OutputRow) => number> = {
    position: (a, b) => a.position - b.position,
    'score-desc': by((r) => r.score, -1),
    'score-asc': by((r) => r.score, 1),
    'tokens-desc': by((r) => r.tokens, -1),
    'latency-desc': by((r) => r.latencyMs, -1),
  }
  rows.sort(sorters[f.sort])
  return { teams, rows, matches: rows.reduce((n, r) => n + Object.values(r.cells).filter((c) => c?.match).length, 0), total: detail.variants.length }
}

/** Override keys whose values differ between two variants (for the side-by-side view). */
export function differingKeys(a: VariantView, b: VariantView): string[] {
  const x = flattenOverrides(a.overrides), y = flattenOverrides(b.overrides)
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => x[k] !== y[k]).sort()
}

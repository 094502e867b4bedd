import { z } from 'zod'
import { AgentIdSchema } from './agents'

/**
 * Rollout YAML spec (behaviour.md §8.1/§8.2). The top level, each team and `eval` are strict (a
 * misspelt `varients:` is an error, where the original silently dropped it); `base` and variant
 * entries are open maps — keys other than the ones below are carried along as overrides — but
 * the keys with meaning are type-checked.
 */

/** Override keys with meaning, type-checked wherever they appear (base, list entry, grid values). */
export const VARIANT_KEYS = {
  id: z.union([z.string().min(1), z.int()]),
  agent_id: AgentIdSchema,
  initial_message: z.string().min(1),
  model: z.string().min(1),
  temperature: z.number().min(0).max(2),
  top_p: z.number().gt(0).max(1),
  tools: z.array(z.string().min(1)),
  behavior_template: z.string().min(1).nullable(),
} as const

const knownKeysOptional = Object.fromEntries(Object.entries(VARIANT_KEYS).map(([k, s]) => [k, s.optional()])) as {
  [K in keyof typeof VARIANT_KEYS]: z.ZodOptional<(typeof VARIANT_KEYS)[K]>
}

/** A variant entry or `base`: open map, known keys checked. */
export const VariantSchema = z.looseObject(knownKeysOptional)
export type Variant = z.infer<typeof VariantSchema>

/** Dict form: `{ key: [v1, v2], key2: [a, b] }` → cartesian product (first key varies slowest). */
export const VariantGridSchema = z.record(z.string(), z.array(z.unknown()).min(1)).superRefine((grid, ctx) => {
  for (const [key, values] of Object.entries(grid)) {
    const schema = VARIANT_KEYS[key as keyof typeof VARIANT_KEYS]
    if (!schema) continue
    values.forEach((value, j) => {
      const r = schema.safeParse(value, { reportInput: true })
      // Re-issued with their own code so the config formatter words them like any other issue.
      if (!r.success) for (const iss of r.error.issues) ctx.addIssue({ ...iss, path: [key, j, ...iss.path] } as never)
    })
  }
})

/** `max_rounds` when a feedback loop does not say. */
export const DEFAULT_MAX_ROUNDS = 3

/** A metric name in `eval.metrics`. */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/

/** `eval:` of a team. */
export const TeamEvalSchema = z.strictObject({
  evaluator_id: z.string().min(1),
  metric: z.string().min(1).default('score'),
  /** One line: a rubric id (e.g. `joke_quality`); several lines: the rubric text itself. */
  rubric: z.string().min(1).optional(),
  prompts: z.array(z.string().min(1)).min(1).optional(),
  judge_version: z.union([z.string().min(1), z.number()]).transform(String).optional(),
  timeout_sec: z.number().positive().default(900),
  /** Judges: self-consistency samples per variant (mean and spread are reported). */
  samples: z.int().min(1).max(20).optional(),
  /** Judges: the judge model (default `openai/gpt-4o-mini`). */
  model: z.string().min(1).optional(),
  /** Deterministic evaluators: their arguments (e.g. `{ text: "Paris" }` for `contains`). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** `comprehensive_judge`: the metrics scored one by one (0–1 each), weighted by the rubric. */
  metrics: z.array(z.string().regex(METRIC_NAME, 'a metric name (letters, digits, _ and -)')).min(1)
    .refine((m) => new Set(m).size === m.length, 'metric names must be unique').optional(),
  /** Judge → critique → the agent answers again on a new branch → judged again, until the target or `max_rounds`. */
  feedback_loop: z.boolean().optional(),
  /** Judged answers per variant with `feedback_loop` (the first answer included); default {@link DEFAULT_MAX_ROUNDS}. */
  max_rounds: z.int().min(1).max(10).optional(),
  /** With `feedback_loop`: stop as soon as a round scores at least this. */
  target_score: z.number().min(0).max(1).optional(),
})
export type TeamEval = z.infer<typeof TeamEvalSchema>

/** `eval:` is one evaluator (the original form) or a list of them. */
export const TeamEvalsSchema = z.union([TeamEvalSchema, z.array(TeamEvalSchema).min(1)])
export type TeamEvals = z.infer<typeof TeamEvalsSchema>

/** A team's or variant's evaluators as a list (empty without `eval`). */
export const evalsOf = (e: TeamEvals | undefined): TeamEval[] => (e === undefined ? [] : Array.isArray(e) ? e : [e])

export const TeamSchema = z.strictObject({
  initial_message: z.string().min(1).optional(),
  base: VariantSchema.default({}),
  variants: z.union([z.array(VariantSchema).min(1), VariantGridSchema]),
  eval: TeamEvalsSchema.optional(),
})
export type Team = z.infer<typeof TeamSchema>

/** One runnable variant after expansion. */
export interface ExpandedVariant {
  teamId: string
  /** The YAML `id` of the entry when it has one, else the positional id. Unique within the team. */
  id: string
  /** Positional id `v000`, `v001`, … (the original's variant id). */
  position: string
  index: number
  agentId: string
  /** The variant's (or base's) `initial_message`, else the team's. */
  initialMessage: string
  /** `base` deep-merged with the entry: stored as the agent's runtime override. */
  overrides: Record<string, unknown>
  /** The team's `eval` as written (one or a list; see {@link evalsOf}). */
  eval?: TeamEvals
}

type Plain = Record<string, unknown>
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Nested maps merge recursively; lists and scalars in `over` replace. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] = isPlain(b) && isPlain(v) ? deepMerge(b, v) : v
  }
  return out
}

/** Entries of a team before merging: list as is, grid as its cartesian product. */
function entriesOf(variants: Team['variants']): Plain[] {
  if (Array.isArray(variants)) return variants
  let combos: Plain[] = [{}]
  for (const [key, values] of Object.entries(variants)) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })))
  }
  return combos
}

interface Problem { path: (string | number)[]; message: string; input?: unknown }

/** Default cap on the variants of a rollout (each team, and all teams together); `--max-variants` raises it. */
export const DEFAULT_MAX_VARIANTS = 10_000

/** How many variants a team expands to, counted without expanding: list length or product of the grid's list sizes. */
export function variantCount(variants: Team['variants']): { count: number; sizes: number[] } {
  if (Array.isArray(variants)) return { count: variants.length, sizes: [variants.length] }
  const sizes = Object.values(variants).map((v) => v.length)
  return { count: sizes.reduce((a, b) => a * b, 1), sizes }
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than 10^308')

function expandTeam(teamId: string, team: Team, maxVariants: number): { variants: ExpandedVariant[]; problems: Problem[] } {
  const problems: Problem[] = []
  const { count, sizes } = variantCount(team.variants)
  if (count > maxVariants) {
    const how = Array.isArray(team.variants) ? `lists ${fmt(count)} variants` : `expands to ${sizes.length > 1 ? `${sizes.join(' × ')} = ` : ''}${fmt(count)} variants`
    problems.push({ path: ['teams', teamId, 'variants'], message: `team ${teamId} ${how}, over the limit of ${fmt(maxVariants)} (raise it with --max-variants N)` })
    return { variants: [], problems }
  }
  const variants: ExpandedVariant[] = []
  const seen = new Map<string, number>()
  const listForm = Array.isArray(team.variants)
  entriesOf(team.variants).forEach((entry, index) => {
    const path: (string | number)[] = listForm ? ['teams', teamId, 'variants', index] : ['teams', teamId, 'variants']
    const position = `v${String(index).padStart(3, '0')}`
    const overrides = deepMerge(team.base, entry)
    const id = entry.id === undefined ? position : String(entry.id)
    const first = seen.get(id)
    if (first !== undefined) problems.push({ path: [...path, 'id'], input: id, message: `duplicate variant id "${id}" (also used by variant ${first})` })
    seen.set(id, index)
    const agentId = overrides.agent_id
    const initialMessage = overrides.initial_message ?? team.initial_message
    if (typeof agentId !== 'string') problems.push({ path, message: `variant ${id} has no agent_id (set it in the team's base or in the variant)` })
    if (typeof initialMessage !== 'string') {
      problems.push({ path, message: `variant ${id} has no initial_message (set it on the team, in base or in the variant)` })
    }
    if (typeof agentId === 'string' && typeof initialMessage === 'string') {
      variants.push({ teamId, id, position, index, agentId, initialMessage, overrides, ...(team.eval ? { eval: team.eval } : {}) })
    }
  })
  return { variants, problems }
}

/**
 * The schema of a whole rollout file (`teams:` mapping team id → team), refusing teams (and
 * files) with more than `maxVariants` variants before anything is expanded.
 */
export function rolloutSpecSchema(maxVariants = DEFAULT_MAX_VARIANTS) {
  return z
    .strictObject({
      teams: z.record(AgentIdSchema, TeamSchema).refine((t) => Object.keys(t).length > 0, 'at least one team'),
    })
    .superRefine((spec, ctx) => {
      const counts = Object.entries(spec.teams).map(([teamId, team]) => [teamId, variantCount(team.variants).count] as const)
      const total = counts.reduce((a, [, n]) => a + n, 0)
      if (counts.every(([, n]) => n <= maxVariants) && total > maxVariants) {
        ctx.addIssue({ code: 'custom', path: ['teams'], message: `the teams have ${fmt(total)} variants together (${counts.map(([t, n]) => `${t}: ${fmt(n)}`).join(', ')}), over the limit of ${fmt(maxVariants)} (raise it with --max-variants N)` })
        return
      }
      for (const [teamId, team] of Object.entries(spec.teams)) {
        for (const p of expandTeam(teamId, team, maxVariants).problems) ctx.addIssue({ code: 'custom', ...p })
      }
    })
}

/** The whole file with the default variant cap ({@link DEFAULT_MAX_VARIANTS}). */
export const RolloutSpecSchema = rolloutSpecSchema()
export type RolloutSpec = z.infer<typeof RolloutSpecSchema>

/**
 * Expands every team into runnable variants, in team order then entry order. Ids are stable:
 * the YAML `id` of an entry, else `v000`, `v001`, …
 * @throws Error when a variant lacks `agent_id` or an initial message, or a team is over
 * `maxVariants` (a spec that passed {@link rolloutSpecSchema} with the same cap never does).
 */
export function expandRollout(spec: RolloutSpec, maxVariants = DEFAULT_MAX_VARIANTS): ExpandedVariant[] {
  return Object.entries(spec.teams).flatMap(([teamId, team]) => {
    const { variants, problems } = expandTeam(teamId, team, maxVariants)
    if (problems.length > 0) throw new Error(`invalid rollout team ${teamId}: ${problems.map((p) => p.message).join('; ')}`)
    return variants
  })
}

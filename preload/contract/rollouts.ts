import { z } from 'zod'
import { defineEvent, defineInvoke, NoInput } from './define'
import { YAML_MAX_CHARS } from './limits'
import { SystemMetricsSchema } from './ledger'

/** Rollouts domain: run a rollout YAML (teams × variants), watch it, read and compare results. */

const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number such as "12.5"')
const RolloutId = z.string().trim().min(1, 'a rollout id').max(200)
export const VariantStatusSchema = z.enum(['queued', 'running', 'done', 'failed'])
export const RolloutStatusSchema = z.enum(['running', 'done', 'failed'])
/**
 * What a variant is doing right now, finer than its stored status: `starting` = handed to a worker
 * that is still booting (a cold start takes seconds), `running` = its conversation runs,
 * `judging` = its evaluators run.
 */
export const VariantPhaseSchema = z.enum(['queued', 'starting', 'running', 'judging', 'done', 'failed'])
export type VariantPhase = z.infer<typeof VariantPhaseSchema>

export const EvalScoreSchema = z.object({
  evaluator: z.string(),
  version: z.string(),
  metric: z.string(),
  score: z.number().nullable(),
  metrics: z.record(z.string(), z.number()),
  metricNames: z.array(z.string()).optional(),
  samples: z.array(z.number()).optional(),
  spread: z.number().optional(),
  comment: z.string().optional(),
  offline: z.boolean(),
  error: z.string().optional(),
  ref: z.string().optional(),
  judgeModel: z.string().optional(),
  promptVersion: z.string().optional(),
})
export type EvalScoreView = z.infer<typeof EvalScoreSchema>

export const UsageSchema = z.object({
  calls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  modelMs: z.number(),
  offline: z.boolean(),
})

export const VariantLedgerSchema = z.object({
  agent: z.string(),
  finalBalance: Decimal.nullable(),
  netFlow: Decimal,
  transfers: z.array(z.object({ from: z.string(), to: z.string(), amount: Decimal, reason: z.string(), transactionId: z.string() })),
  walletChanges: z.record(z.string(), Decimal),
})

export const FeedbackRoundSchema = z.object({
  round: z.number().int(),
  branchId: z.string(),
  score: z.number().nullable(),
  metrics: z.record(z.string(), z.number()),
  comment: z.string().optional(),
  ref: z.string().optional(),
  answer: z.string().nullable(),
})
export type FeedbackRoundView = z.infer<typeof FeedbackRoundSchema>

export const VariantMetricsSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  answer: z.string().nullable(),
  answerRef: z.string().nullable(),
  scores: z.array(EvalScoreSchema),
  score: z.number().nullable(),
  usage: UsageSchema,
  judgeUsage: UsageSchema,
  wallMs: z.number(),
  toolCalls: z.number(),
  toolErrors: z.number(),
  errors: z.array(z.string()),
  ledger: VariantLedgerSchema.nullable(),
  /** Feedback-loop rounds (round 1 = the first answer; each next one a branch of the same conversation). */
  rounds: z.array(FeedbackRoundSchema).optional(),
})

export const VariantViewSchema = z.object({
  team: z.string(),
  variantId: z.string(),
  position: z.number().int(),
  status: VariantStatusSchema,
  /** Live phase (see {@link VariantPhaseSchema}); equals the status once the variant settled. */
  phase: VariantPhaseSchema.optional(),
  /** The message the variant's conversation started with. */
  initialMessage: z.string().nullable().optional(),
  conversationId: z.string().nullable(),
  overrides: z.record(z.string(), z.unknown()),
  metrics: VariantMetricsSchema.nullable(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** The scale-out worker that ran it (absent when the rollout's own process ran it). */
  worker: z.string().optional(),
})
export type VariantView = z.infer<typeof VariantViewSchema>

export const LedgerSnapshotSchema = z.object({
  label: z.enum(['before', 'after']),
  timestamp: z.number(),
  metrics: SystemMetricsSchema,
  wallets: z.array(z.object({ agent: z.string(), balance: Decimal })),
})
export type LedgerSnapshotView = z.infer<typeof LedgerSnapshotSchema>

export const VariantCountsSchema = z.object({ queued: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int() })

export const RolloutSummarySchema = z.object({
  id: z.string(),
  /** Readable name: the spec file and the start time, e.g. `demo_rollout · 2026-12-02 03:20`. */
  name: z.string(),
  specFile: z.string(),
  status: RolloutStatusSchema,
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  total: z.number().int(),
  counts: VariantCountsSchema,
  /** Some call was answered by the offline scripted model (or judge): not real LLM results. */
  offline: z.boolean(),
  /** Being run by this host right now (else an interrupted `running` rollout can be resumed). */
  active: z.boolean(),
  /** `running` but no live process runs it (this host, the CLI or a background run): resume it. */
  interrupted: z.boolean(),
})
export type RolloutSummary = z.infer<typeof RolloutSummarySchema>

export const TeamAggregateSchema = z.object({
  team: z.string(),
  variants: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  meanScore: z.number().nullable(),
  /** The one variant with the top score; null when none is scored or several tie. */
  bestVariant: z.string().nullable(),
  /** The top score (also when it is a tie). */
  bestScore: z.number().nullable(),
  /** More than one variant has the top score: no variant is "best". */
  tie: z.boolean(),
  /** The variants sharing the top score when `tie`, else empty. */
  tiedVariants: z.array(z.string()),
  totalTokens: z.number(),
  costUsd: z.number(),
})
export type TeamAggregate = z.infer<typeof TeamAggregateSchema>

/** Money one agent moved through this rollout's own transfers. */
export const AgentFlowSchema = z.object({ agent: z.string(), sent: Decimal, received: Decimal, net: Decimal })
export type AgentFlow = z.infer<typeof AgentFlowSchema>

/** The rollout's own transfers (attributed by variant conversation; never other rollouts' or chats'). */
export const LedgerFlowsSchema = z.object({ transfers: z.number().int(), volume: Decimal, agents: z.array(AgentFlowSchema) })
export type LedgerFlows = z.infer<typeof LedgerFlowsSchema>

export const RolloutDetailSchema = RolloutSummarySchema.extend({
  options: z.object({ parallel: z.number().int(), samples: z.number().int().optional(), strictTools: z.boolean(), replay: z.boolean(), taskTimeoutMs: z.number() }),
  variants: z.array(VariantViewSchema),
  teams: z.array(TeamAggregateSchema),
  /** Global ledger at start and when the last variant finished (other activity included); prefer `ledgerFlows`. */
  ledgerBefore: LedgerSnapshotSchema.nullable(),
  ledgerAfter: LedgerSnapshotSchema.nullable(),
  /** False when the rollout ran with LEDGER_ENABLED=false: show "ledger disabled" instead of ledger figures. */
  ledgerEnabled: z.boolean(),
  /** This rollout's transfers: count, volume and each agent's sent / received / net. */
  ledgerFlows: LedgerFlowsSchema,
})
export type RolloutDetail = z.infer<typeof RolloutDetailSchema>

/** One problem of a rollout YAML, located so the UI can mark the line and key. */
export const SpecErrorSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  team: z.string().nullable(),
  variant: z.string().nullable(),
  /** Key path such as `teams.demo_team.base.agent_id`. */
  key: z.string().nullable(),
  message: z.string(),
})
export type SpecError = z.infer<typeof SpecErrorSchema>

export const ValidationSchema = z.object({
  ok: z.boolean(),
  file: z.string(),
  teams: z.array(z.string()),
  variants: z.array(z.object({ team: z.string(), variantId: z.string(), agentId: z.string() })),
  errors: z.array(SpecErrorSchema),
  /** Problems that do not stop the run (an unknown tool without --strict-tools, keys with no effect), formatted. */
  warnings: z.array(z.string()).optional(),
})
export type Validation = z.infer<typeof ValidationSchema>

const FileName = z.string().trim().min(1).max(255).regex(/^[^/\\\0]+$/, 'a file name without folders, such as "demo_rollout.yml"')
const YamlText = z.string().max(YAML_MAX_CHARS, `a YAML text of at most ${YAML_MAX_CHARS.toLocaleString('en-US')} characters`)

/** Most variants a spec may expand to (per team and in all); the engine's default is 10,000. */
const MaxVariants = z.number().int().min(1).max(10_000_000)

export const ValidateInputSchema = z.object({ yaml: YamlText, fileName: FileName, maxVariants: MaxVariants.optional() }).strict()

export const StartInputSchema = z.object({
  /** The YAML text (from the editor, a picked or dropped file)… */
  yaml: YamlText.optional(),
  fileName: FileName.optional(),
  /** …or a path on this machine (e.g. one of `rollouts:files`). */
  path: z.string().trim().min(1).max(4096).optional(),
  parallel: z.number().int().min(1).max(64).optional(),
  samples: z.number().int().min(1).max(20).optional(),
  maxVariants: MaxVariants.optional(),
}).strict().refine((i) => (i.yaml === undefined) !== (i.path === undefined), { message: 'give either the YAML text (yaml + fileName) or a path, not both', path: ['yaml'] })
export type StartInput = z.infer<typeof StartInputSchema>

export const SpecFileSchema = z.object({ name: z.string(), path: z.string(), text: z.string() })
export type SpecFile = z.infer<typeof SpecFileSchema>

export const CompareRowSchema = z.object({
  variant: z.string(),
  score1: z.number().nullable(),
  score2: z.number().nullable(),
  scoreDelta: z.number().nullable(),
  cost1: z.number().nullable(),
  cost2: z.number().nullable(),
  costDelta: z.number().nullable(),
  tokens1: z.number().nullable(),
  tokens2: z.number().nullable(),
  tokensDelta: z.number().nullable(),
})
export type CompareRow = z.infer<typeof CompareRowSchema>

export const ExportFormatSchema = z.enum(['json', 'jsonl', 'csv'])
export const ExportSchema = z.object({ fileName: z.string(), mime: z.string(), text: z.string(), rows: z.number().int() })

/** Pushed on every variant status change and when the rollout ends: no polling. */
export const RolloutProgressSchema = z.object({
  rolloutId: z.string(),
  status: RolloutStatusSchema,
  /** The variant that changed; null for rollout-level changes (started, finished). */
  variant: z.object({
    team: z.string(),
    variantId: z.string(),
    status: VariantStatusSchema,
    phase: VariantPhaseSchema.optional(),
    totalTokens: z.number().nullable(),
    costUsd: z.number().nullable(),
    score: z.number().nullable(),
    error: z.string().nullable(),
  }).nullable(),
  counts: VariantCountsSchema,
  /** Tokens and cost of the finished variants so far. */
  totalTokens: z.number(),
  costUsd: z.number(),
})
export type RolloutProgress = z.infer<typeof RolloutProgressSchema>

export const rolloutsInvokes = {
  'rollouts:list': defineInvoke('rollouts, newest first', z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(), z.array(RolloutSummarySchema)),
  'rollouts:files': defineInvoke('rollout YAMLs in the config folder', NoInput, z.array(SpecFileSchema)),
  'rollouts:validate': defineInvoke('check a rollout YAML; every problem located by line, team, variant and key', ValidateInputSchema, ValidationSchema),
  'rollouts:start': defineInvoke('check and start a rollout in the background; progress comes as rollouts:progressed', StartInputSchema, RolloutSummarySchema),
  'rollouts:resume': defineInvoke('continue an interrupted rollout (finished variants are not rerun)', z.object({ id: RolloutId }).strict(), RolloutSummarySchema),
  'rollouts:stop': defineInvoke('stop a rollout this host runs (no-op when it is not running); finished variants are kept, the rest can be resumed', z.object({ id: RolloutId }).strict(), RolloutSummarySchema),
  'rollouts:get': defineInvoke('a rollout with its variants, metrics, team aggregates and ledger snapshots', z.object({ id: RolloutId }).strict(), RolloutDetailSchema),
  'rollouts:compare': defineInvoke('per-variant score, cost and token deltas between two rollouts', z.object({ left: RolloutId, right: RolloutId }).strict(), z.array(CompareRowSchema)),
  'rollouts:export': defineInvoke('one row per variant as json, jsonl or csv text', z.object({ id: RolloutId, format: ExportFormatSchema }).strict(), ExportSchema),
} as const

export const rolloutsEvents = {
  'rollouts:progressed': defineEvent('a variant changed status, or the rollout started or ended', RolloutProgressSchema),
} as const

/**
 * A variant's overrides as one column per dotted key (nested objects flattened, lists as JSON,
 * strings with whitespace folded): the "Variant Configuration" table of the CLI and the app.
 */
export function flattenOverrides(o: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenOverrides(v as Record<string, unknown>, key))
    else out[key] = typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : JSON.stringify(v)
  }
  return out
}

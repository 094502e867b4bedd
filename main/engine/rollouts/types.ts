import type { SystemMetrics } from '../ports/ledger'
import type { ExpandedVariant } from '../schema/rollout'

/** Lifecycle of one variant row. */
export type VariantStatus = 'queued' | 'running' | 'done' | 'failed'
export type RolloutStatus = 'running' | 'done' | 'failed'

/** One evaluator's result on one variant (a cell of the grid; failures are values too). */
export interface EvalScore {
  evaluator: string
  /** Registered version, or the judge prompt version for judges. */
  version: string
  metric: string
  /** Null when the evaluator failed (see `error`). */
  score: number | null
  /** Every metric the evaluator emitted (`score` included). */
  metrics: Record<string, number>
  /** The metrics named in the team's `eval.metrics` (shown as columns), when it names any. */
  metricNames?: string[]
  /** Self-consistency samples (judges with `samples: N`). */
  samples?: number[]
  /** Max − min of the samples. */
  spread?: number
  comment?: string
  /** Produced by the offline scripted model. */
  offline: boolean
  error?: string
  /** The evaluation artifact. */
  ref?: string
  judgeModel?: string
  /** Judge prompt version (judge_prompt.j2 `template_version`) stored with every judge score. */
  promptVersion?: string
}

/** Token and cost totals of a set of model calls. */
export interface Usage {
  calls: number
  promptTokens: number
  completionTokens: number
  totalTokens: number
  costUsd: number
  /** Sum of model latencies. */
  modelMs: number
  /** Any call answered by the offline scripted model. */
  offline: boolean
}

export interface TransferSummary {
  from: string
  to: string
  amount: string
  reason: string
  transactionId: string
}

/** The ledger part of a variant's row. */
export interface VariantLedger {
  agent: string
  finalBalance: string | null
  /** +received − sent by the root agent inside the variant's conversation. */
  netFlow: string
  transfers: TransferSummary[]
  /** Net change per agent caused by this variant's transfers. */
  walletChanges: Record<string, string>
}

/** Everything measured about one finished variant. */
export interface VariantMetrics {
  conversationId: string
  agentId: string
  /** The root's final answer (what the judges saw). */
  answer: string | null
  answerRef: string | null
  scores: EvalScore[]
  /** The first evaluator's metric (the team's primary score); null without evaluators. */
  score: number | null
  usage: Usage
  /** Judge model calls, shown apart from the variant's own usage. */
  judgeUsage: Usage
  wallMs: number
  toolCalls: number
  toolErrors: number
  /** Provider/tool errors met on the way (the variant still finished). */
  errors: string[]
  ledger: VariantLedger | null
  /** `feedback_loop: true`: every judged answer, the first one included (absent without a loop). */
  rounds?: FeedbackRound[]
}

/** One judged answer of a feedback loop: round 1 is the variant's first answer, each next one a new branch. */
export interface FeedbackRound {
  round: number
  /** The root agent's branch holding this round's answer. */
  branchId: string
  /** The feedback evaluator's metric; null when it failed. */
  score: number | null
  metrics: Record<string, number>
  /** The critique handed back to the agent (absent on the last round or without one). */
  comment?: string
  /** The evaluation artifact. */
  ref?: string
  answer: string | null
}

/** Last round's score minus the first one's; null when either is missing. */
export const roundsImprovement = (rounds: readonly FeedbackRound[]): number | null => {
  const first = rounds[0]?.score
  const last = rounds[rounds.length - 1]?.score
  return first == null || last == null ? null : last - first
}

/** A variant row as stored. */
export interface VariantRecord {
  rolloutId: string
  team: string
  variantId: string
  position: number
  status: VariantStatus
  conversationId: string | null
  overrides: Record<string, unknown>
  metrics: VariantMetrics | null
  error: string | null
  startedAt: number | null
  finishedAt: number | null
  /** The scale-out worker that ran it (absent for variants run in this process). */
  worker?: string
}

/** Ledger state captured before and after a rollout. */
export interface LedgerSnapshot {
  label: 'before' | 'after'
  /** Epoch milliseconds. */
  timestamp: number
  metrics: SystemMetrics
  wallets: { agent: string; balance: string }[]
}

/** Options a rollout was started with (kept for resume). */
export interface RolloutOptions {
  parallel: number
  samples?: number
  strictTools: boolean
  replay: boolean
  /** Per-variant task deadline. */
  taskTimeoutMs: number
  /** False when the rollout ran with `LEDGER_ENABLED=false` (no wallet tools, no ledger figures); absent = enabled. */
  ledgerEnabled?: boolean
}

/** What is stored as the rollout's spec document. */
export interface StoredRolloutSpec {
  /** The YAML as parsed. */
  source: unknown
  variants: ExpandedVariant[]
  options: RolloutOptions
}

/** The process running a rollout right now. */
export interface RolloutRunner {
  pid: number
  /** Host name of the machine (a pid is only checked on the machine that wrote it). */
  host: string
}

export interface RolloutRecord {
  id: string
  specFile: string
  spec: StoredRolloutSpec
  status: RolloutStatus
  createdAt: number
  finishedAt: number | null
  ledgerBefore: LedgerSnapshot | null
  ledgerAfter: LedgerSnapshot | null
  /** Who runs it now; null when no process does (finished, or interrupted when still `running`). */
  runner: RolloutRunner | null
}

/** `rollout:<rolloutId>:<team>:<variantId>`: stable, so a resume finds the conversation again. */
export const variantConversationId = (rolloutId: string, team: string, variantId: string): string => `rollout:${rolloutId}:${team}:${variantId}`

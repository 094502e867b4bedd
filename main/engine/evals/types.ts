import type { ModelProvider } from '../ports/model'
import type { TransferSummary } from '../rollouts/types'
import type { TeamEval } from '../schema/rollout'
import type { ChatMessage as WireMessage } from '../stacks/render'

/** What an evaluator sees of a finished conversation. */
export interface EvalInput {
  conversationId: string
  /** The judged agent (the conversation's root). */
  agentId: string
  /** The root's FINAL answer (not an intermediate "hang on" message). */
  answer: string
  /** The root's branch in chat format (OpenAI wire shape), last entries. */
  traj: WireMessage[]
  toolCalls: { name: string; arguments: unknown; status: 'ok' | 'error'; reward: number | null }[]
  /** Ledger transfers made inside the conversation (any agent). */
  transfers: TransferSummary[]
  costUsd: number
  totalTokens: number
  wallMs: number
  modelMs: number
}

/** One judge/model call made by an evaluator (accounted apart from the variant's own usage). */
export interface JudgeCall {
  model: string
  promptTokens: number
  completionTokens: number
  costUsd: number | null
  latencyMs: number
  offline: boolean
}

export interface EvalContext {
  configDir: string
  /** The evaluator's entry of the team's `eval` (params, rubric, samples, model…). */
  spec: TeamEval
  /** Resolves a `provider/model` id (judges). */
  models: (modelId: string) => ModelProvider
  /** Called for every model call the evaluator makes. */
  onModelCall?: (call: JudgeCall) => void
  signal?: AbortSignal
}

export interface EvalResult {
  /** In [0, 1] by convention. */
  score: number
  /** Extra metrics (any name; `eval top --metric` reads them). */
  metrics?: Record<string, number>
  comment?: string
  /** Produced by the offline scripted model. */
  offline?: boolean
  samples?: number[]
  spread?: number
  judgeModel?: string
  /** Version of the prompt that produced the score (judges). */
  promptVersion?: string
}

/** A registered evaluator: a function with an id and a version. */
export interface Evaluator {
  readonly id: string
  readonly version: string
  run(input: EvalInput, ctx: EvalContext): Promise<EvalResult> | EvalResult
  /** Checks `spec.params` before anything runs; returns problems (empty = fine). */
  check?(spec: TeamEval): string[]
}

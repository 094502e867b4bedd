import type { z } from 'zod'
import type { LedgerClient } from '../ports/ledger'

/** Everything a tool learns about the call besides its arguments. */
export interface ToolContext {
  /** The calling agent; for ledger tools always the sender / wallet owner. */
  agentId: string
  conversationId: string
  branchId: string
  /** Stable per logical call (see `idempotency.ts`); ledger command ids come from it. */
  idempotencyKey: string
  /** Aborted on timeout or when the caller gives up. */
  signal: AbortSignal
  /** Ledger port for the wallet tools. */
  ledger?: LedgerClient
  /** Rollout sample index / seed; part of cache keys so samples don't share results. */
  sample?: { index: number; seed?: number | string }
  /**
   * Wallets of these agents are created with `initialBalance` when a ledger tool finds them
   * missing. Any other id gets an error (the original funded a wallet for every id it saw).
   */
  wallets?: { initialBalance: string; knownAgents: ReadonlySet<string> }
}

/** Arguments to {@link defineTool}. */
export interface ToolSpec<I extends z.ZodObject = z.ZodObject, O = unknown> {
  /** Function name sent to the model: 1–64 of `A-Z a-z 0-9 _ -`, unique in a registry. */
  name: string
  description: string
  /** Validates the model's arguments; its JSON schema becomes the function's `parameters`. */
  input: I
  /** Optional validation of what `run` returns; a mismatch is reported as an error. */
  output?: z.ZodType<O>
  /** Seconds a successful result is reused for the same arguments; null/undefined = no cache. */
  cacheTtl?: number | null
  /** Safe to repeat: never blocked by the strict dedup policy; may run in parallel. */
  sideEffectFree?: boolean
  /**
   * Touches nothing outside this process (a lookup in a fixed table, a pure computation): with a
   * group commit it may run before the call that asked for it is durable, since a crash before
   * that commit loses the call and its result together and a resume asks again. Without it, a
   * tool that is not `sideEffectFree` runs only after its call committed. No effect on dedup.
   */
  inProcess?: boolean
  /** Dedup window in seconds (default 24 h). */
  dedupTtl?: number | null
  /** Names of post-effects the runtime runs after a successful call (e.g. `agent_call`). */
  postEffects?: string[] | null
  /** Ask the model to reflect on the result (reflection/tool.j2). */
  reflect?: boolean
  /**
   * The tool depends on who calls it (conversation, agent, branch); its cache entries are then
   * scoped to the caller. Tools without it share cache entries globally.
   */
  requiresContext?: boolean
  /**
   * The result reads ledger state (balances, history). Its cache entries are keyed by the
   * ledger's revision, so a transfer committed by anyone (this conversation, another process)
   * invalidates them; without a ledger revision the result is never cached.
   */
  ledgerRead?: boolean
  /** Per-call time limit in ms (default 30 s, §10.3). */
  timeoutMs?: number
  run(args: z.output<I>, ctx: ToolContext): O | Promise<O>
}

/** A validated, registered tool. */
export interface Tool<I extends z.ZodObject = z.ZodObject, O = unknown> extends ToolSpec<I, O> {
  /** The OpenAI function schema `{name, description, parameters}`. */
  readonly functionSchema: FunctionSchema
}

/** What the model is offered for one tool. */
export interface FunctionSchema {
  name: string
  description: string
  parameters: { type: 'object'; properties: Record<string, unknown>; required: string[]; [k: string]: unknown }
}

/** Decorator flags in the shape of `tool-schemas.json` (`config`). */
export interface ToolFlags {
  post_effects: string[] | null
  requires_context: boolean
  side_effect_free: boolean
  cache_ttl: number | null
  dedup_ttl: number | null
  reflect: boolean
}

export interface ToolIssue {
  path: string
  message: string
}

/** Error as the model sees it. */
export interface ToolFailure {
  code: string
  message: string
  issues?: ToolIssue[]
}

/** Result of one tool call. A failure is reported to the model as an error, never as ok. */
export type ToolOutcome<O = unknown> =
  | { status: 'ok'; result: O; cached: boolean }
  | { status: 'error'; error: ToolFailure }

/**
 * What `delegate` returns. The runtime turns it into an AgentCall on the caller's stack and a
 * request to the child; the tool itself does nothing else.
 */
export interface DelegationRequest {
  type: 'delegation'
  status: 'queued'
  childAgentId: string
  message: string
  /** Further keys the model sent (the original kept them). */
  extra: Record<string, unknown>
}

export const isDelegationRequest = (v: unknown): v is DelegationRequest =>
  typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'delegation'

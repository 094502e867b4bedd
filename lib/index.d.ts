/** Types for custom tools in `config/tools/*.mjs|js|ts` (see the README, "Writing a tool"). */

/** Log lines go to the host's log with `{ component: 'tool', tool: <name> }`. */
export interface ToolLogger {
  trace(msg: string, fields?: Record<string, unknown>): void
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/** Read-only ledger view (amounts are decimal strings such as "100.0"). */
export interface ToolLedgerView {
  getWallet(agent: string): Promise<{ agent: string; balance: string; created: number } | null>
  listWallets(): Promise<{ agent: string; balance: string; created: number }[]>
  history(agent?: string, limit?: number): Promise<{ fromAgent: string; toAgent: string; amount: string; reason: string; timestamp: number; transactionId: string }[]>
  metrics(): Promise<{ walletCount: number; totalBalance: string; transactionCount: number; totalVolume: string }>
}

/** What `run` gets besides its validated arguments. */
export interface ToolContext {
  agentId: string
  conversationId: string
  branch: string
  /** Same for the same logical call (a retry or a replay after a crash): use it to make side effects idempotent. */
  idempotencyKey: string
  logger: ToolLogger
  /** Absent when the ledger is disabled. */
  ledger?: ToolLedgerView
  /** Aborted when the call times out or the conversation is cancelled. */
  signal: AbortSignal
}

/** A JSON Schema for the arguments; the top level must be `{ type: 'object' }`. */
export interface JsonObjectSchema {
  type: 'object'
  properties?: Record<string, unknown>
  required?: string[]
  additionalProperties?: boolean | Record<string, unknown>
  [key: string]: unknown
}

/** A custom tool: what a file in `config/tools/` default-exports (alone or in an array). */
export interface ToolDefinition<Args = any, Result = unknown> {
  /** 1–64 of `A-Z a-z 0-9 _ -`, unique across built-in, custom and MCP tools. */
  name: string
  description: string
  /** JSON Schema (`{ type: 'object', ... }`) or a zod object schema (`z.object({...})`). */
  parameters: JsonObjectSchema | { readonly _zod: unknown }
  /** Seconds a successful result is reused for the same arguments (shared by all callers). */
  cacheTtl?: number | null
  /** Safe to repeat: never blocked by the strict dedup policy; may run in parallel with other calls. */
  sideEffectFree?: boolean
  /** Ask the model to reflect on the result. */
  reflect?: boolean
  /** Post-effects run after a successful call (e.g. `agent_call`). */
  postEffects?: string[] | null
  /** Window in seconds in which the same call counts as a duplicate (default 24 h). */
  dedupTtl?: number | null
  /** Per-call time limit in ms (default 30 000). */
  timeoutMs?: number
  run(args: Args, ctx: ToolContext): Result | Promise<Result>
}

/** Returns `tool` unchanged, typed. P2Engine validates it when loading the file. */
export function defineTool<Args = any, Result = unknown>(tool: ToolDefinition<Args, Result>): ToolDefinition<Args, Result>

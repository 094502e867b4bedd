import type { z } from 'zod'
import { AppError, InternalError, messageOf } from '../errors'
import { toolCacheKey, type ToolCache } from './cache'
import type { ToolRegistry } from './registry'
import type { ToolContext, ToolFailure, ToolIssue, ToolOutcome } from './types'

/** Default per-call time limit (§10.3: tool timeout 30 s). */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000

/** Context for {@link invokeTool}: the tool context without the signal, plus call controls. */
export interface InvokeContext extends Omit<ToolContext, 'signal'> {
  /** The caller gives up (conversation cancelled); the tool sees it through its own signal. */
  signal?: AbortSignal
  /** Overrides the tool's `timeoutMs`. */
  timeoutMs?: number
  /** Result cache for tools with `cacheTtl`. */
  cache?: ToolCache
}

const issuesOf = (error: z.ZodError, root: string): ToolIssue[] =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.') || root, message: i.message }))

const fail = (code: string, message: string, issues?: ToolIssue[]): ToolOutcome<never> => ({
  status: 'error',
  error: issues ? { code, message, issues } : { code, message },
})

/** Parses the model's argument text (or takes an object) without throwing. */
function parseArgs(raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof raw !== 'string') return { ok: true, value: raw ?? {} }
  if (raw.trim() === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(raw) }
  } catch (err) {
    return { ok: false, message: `arguments are not valid JSON: ${messageOf(err)}` }
  }
}

/**
 * Runs one tool call the way the model should see it: arguments validated with the tool's zod
 * schema (problems come back as an `INVALID_ARGUMENTS` error with the issues), a time limit,
 * the caller's abort signal, an optional result cache, output validation. Every failure is an
 * `{status:'error'}` outcome, never an ok; only an {@link InternalError} (a bug) propagates.
 *
 * @param rawArgs the model's JSON text, or an already parsed object.
 */
export async function invokeTool(registry: ToolRegistry, name: string, rawArgs: unknown, ctx: InvokeContext): Promise<ToolOutcome> {
  const tool = registry.get(name)
  const off = tool ? undefined : registry.disabledReason(name)
  if (off) return fail('TOOL_DISABLED', `${name}: ${off}`)
  if (!tool) return fail('UNKNOWN_TOOL', `unknown tool "${name}"; available tools: ${registry.names().join(', ') || '(none)'}`)

  const parsed = parseArgs(rawArgs)
  if (!parsed.ok) return fail('INVALID_ARGUMENTS', `${name}: ${parsed.message}`)
  const checked = tool.input.safeParse(parsed.value)
  if (!checked.success) {
    const issues = issuesOf(checked.error, '(arguments)')
    return fail('INVALID_ARGUMENTS', `invalid arguments for ${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
  }
  const args = checked.data

  const cacheKey = tool.cacheTtl && ctx.cache ? await cacheKeyOf(tool, args, ctx) : null
  if (cacheKey) {
    const hit = ctx.cache!.get(cacheKey)
    if (hit) return { status: 'ok', result: hit.value, cached: true }
  }

  if (ctx.signal?.aborted) return fail('ABORTED', `${name} was cancelled before it started`)
  const toolCtx = new ToolCallContext(ctx)
  let result: unknown
  try {
    result = tool.run(args, toolCtx)
    // A tool that answered synchronously is done: no time limit or cancellation can reach it.
    if (isThenable(result)) result = await settleWithin(result, toolCtx, ctx.timeoutMs ?? tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, name, ctx.signal)
  } catch (err) {
    if (isFailure(err)) return { status: 'error', error: err }
    if (err instanceof InternalError) throw err
    if (err instanceof AppError) return fail(err.code, err.message)
    return fail('TOOL_FAILED', `${name} failed: ${messageOf(err)}`)
  }

  if (tool.output) {
    const out = tool.output.safeParse(result)
    if (!out.success) {
      const issues = issuesOf(out.error, '(output)')
      return fail('OUTPUT_INVALID', `${name} returned output that failed validation: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues)
    }
    result = out.data
  }
  if (cacheKey) ctx.cache!.set(cacheKey, result, tool.cacheTtl!)
  return { status: 'ok', result, cached: false }
}

/**
 * The cache key of a call, or null when it must not be cached: a `ledgerRead` tool is cached only
 * under the ledger's current revision, so no read is older than the last committed write.
 */
async function cacheKeyOf(tool: { name: string; requiresContext?: boolean; ledgerRead?: boolean }, args: unknown, ctx: InvokeContext): Promise<string | null> {
  if (!tool.ledgerRead) return toolCacheKey(tool, args, ctx)
  if (!ctx.ledger?.revision) return null
  try {
    return toolCacheKey(tool, args, ctx, await ctx.ledger.revision())
  } catch {
    return null // no revision, no cache: the tool reads the ledger itself and reports its errors
  }
}

/**
 * What a tool's `run` sees: the caller's fields, and its own abort signal, made when first read
 * (most tools never read it; an AbortController costs microseconds). The idempotency key is read
 * from the caller only when the tool reads it: the caller may derive it on demand.
 */
class ToolCallContext implements ToolContext {
  readonly agentId: string
  readonly conversationId: string
  readonly branchId: string
  readonly ledger?: ToolContext['ledger']
  readonly sample?: ToolContext['sample']
  readonly wallets?: ToolContext['wallets']
  private controller: AbortController | undefined

  constructor(private readonly from: InvokeContext) {
    this.agentId = from.agentId
    this.conversationId = from.conversationId
    this.branchId = from.branchId
    if (from.ledger) this.ledger = from.ledger
    if (from.sample) this.sample = from.sample
    if (from.wallets) this.wallets = from.wallets
  }

  get idempotencyKey(): string {
    return this.from.idempotencyKey
  }

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal
  }

  /** Aborts the tool's signal (if the tool ever read it). */
  abort(): void {
    this.controller?.abort()
  }
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as PromiseLike<unknown>).then === 'function'

/**
 * The tool's pending result, or a {@link ToolFailure} thrown when the time limit passes or the
 * caller's signal aborts first (the tool's own signal is aborted then, so it can stop).
 */
async function settleWithin(pending: PromiseLike<unknown>, toolCtx: ToolCallContext, timeoutMs: number, name: string, outer?: AbortSignal): Promise<unknown> {
  let rejectStop!: (reason: ToolFailure) => void
  const stopped = new Promise<never>((_, reject) => (rejectStop = reject))
  // The stop settles first: a tool that resolves when its signal aborts does not win the race.
  const stop = (failure: ToolFailure): void => {
    rejectStop(failure)
    toolCtx.abort()
  }
  const onOuterAbort = (): void => stop({ code: 'ABORTED', message: `${name} was cancelled` })
  // The caller may have given up while the tool was starting.
  if (outer?.aborted) onOuterAbort()
  else outer?.addEventListener('abort', onOuterAbort, { once: true })
  const timer = setTimeout(() => stop({ code: 'TIMEOUT', message: `${name} exceeded its time limit of ${timeoutMs} ms` }), timeoutMs)
  timer.unref?.()
  try {
    return await Promise.race([pending, stopped])
  } finally {
    clearTimeout(timer)
    outer?.removeEventListener('abort', onOuterAbort)
    stopped.catch(() => undefined)
  }
}

const isFailure = (v: unknown): v is ToolFailure =>
  typeof v === 'object' && v !== null && !(v instanceof Error) && typeof (v as ToolFailure).code === 'string'


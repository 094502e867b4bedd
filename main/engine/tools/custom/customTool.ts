import { z } from 'zod'
import { messageOf } from '../../errors'
import type { LedgerClient } from '../../ports/ledger'
import { noopLogger, type Logger } from '../../ports/logger'
import { defineTool } from '../defineTool'
import { functionSchemaOf } from '../jsonSchema'
import type { FunctionSchema, Tool, ToolContext } from '../types'

/** What a custom tool's `run` gets besides its (validated) arguments. */
export interface CustomToolContext {
  agentId: string
  conversationId: string
  /** The branch the call was made on. */
  branch: string
  /** Stable per logical call: the same call retried (or replayed after a crash) gets the same key. */
  idempotencyKey: string
  /** Lines go to the host's log (`logs/app.log`, worker logs) with `{ component: 'tool', tool }`. */
  logger: Logger
  /** Read-only view of the ledger; absent when the ledger is disabled. */
  ledger?: LedgerReadView
  /** Aborted on timeout or when the conversation is cancelled. */
  signal: AbortSignal
}

/** The ledger reads a custom tool may make (no transfers: moving money stays with the built-ins). */
export type LedgerReadView = Readonly<Pick<LedgerClient, 'getWallet' | 'listWallets' | 'history' | 'metrics'>>

/** The keys a tool file's default export may have. */
const KEYS = ['name', 'description', 'parameters', 'cacheTtl', 'sideEffectFree', 'reflect', 'postEffects', 'dedupTtl', 'timeoutMs', 'run'] as const

/** A custom tool that could not be made: every problem, each naming the key. */
export class CustomToolError extends Error {
  constructor(readonly tool: string | undefined, readonly problems: string[]) {
    super(problems.join('; '))
  }
}

const isZodObject = (v: unknown): v is z.ZodObject =>
  v instanceof z.ZodObject || (typeof v === 'object' && v !== null && '_zod' in v && (v as { _zod?: { def?: { type?: string } } })._zod?.def?.type === 'object')

const readOnlyLedger = (l: LedgerClient): LedgerReadView => Object.freeze({
  getWallet: (agent: string) => l.getWallet(agent),
  listWallets: () => l.listWallets(),
  history: (agent?: string, limit?: number) => l.history(agent, limit),
  metrics: () => l.metrics(),
})

/** `parameters` as a zod object plus the JSON schema the model is shown. */
function parametersOf(name: string, description: string, parameters: unknown): { input: z.ZodObject; schema: FunctionSchema } {
  if (isZodObject(parameters)) return { input: parameters, schema: functionSchemaOf(name, description, parameters) }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new Error('expected a JSON Schema object ({ type: "object", properties: {...} }) or a zod object schema')
  }
  const json = parameters as Record<string, unknown>
  if (json.type !== 'object') throw new Error(`the top level must be { type: "object" }, got type ${JSON.stringify(json.type)}`)
  let input: unknown
  try {
    input = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0])
  } catch (err) {
    throw new Error(`invalid JSON Schema: ${messageOf(err)}`)
  }
  if (!isZodObject(input)) throw new Error('the JSON Schema must describe an object')
  const { $schema: _s, title: _t, description: _d, ...rest } = json
  return {
    input,
    schema: { name, description, parameters: { ...rest, type: 'object', properties: (json.properties as Record<string, unknown>) ?? {}, required: (json.required as string[]) ?? [] } },
  }
}

/**
 * Turns one value default-exported by a tool file into an engine {@link Tool}. The arguments are
 * validated against `parameters` before `run` (by the engine, like every tool); `run` gets a
 * {@link CustomToolContext}.
 * @throws CustomToolError listing every problem (unknown or missing key, bad schema, bad TTL…).
 */
export function toCustomTool(value: unknown, o: { logger?: Logger } = {}): Tool {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CustomToolError(undefined, [`expected a tool object { name, description, parameters, run }, got ${value === null ? 'null' : Array.isArray(value) ? 'a nested array' : typeof value}`])
  }
  const v = value as Record<string, unknown>
  const name = typeof v.name === 'string' ? v.name : undefined
  const problems: string[] = []
  for (const k of Object.keys(v)) if (!(KEYS as readonly string[]).includes(k)) problems.push(`unknown key "${k}" (expected ${KEYS.join(', ')})`)
  for (const k of ['name', 'description', 'parameters', 'run'] as const) if (v[k] === undefined) problems.push(`missing "${k}"`)
  if (v.sideEffectFree !== undefined && typeof v.sideEffectFree !== 'boolean') problems.push('"sideEffectFree" must be true or false')
  if (v.reflect !== undefined && typeof v.reflect !== 'boolean') problems.push('"reflect" must be true or false')
  let params: ReturnType<typeof parametersOf> | undefined
  if (v.parameters !== undefined && name && typeof v.description === 'string') {
    try {
      params = parametersOf(name, v.description, v.parameters)
    } catch (err) {
      problems.push(`"parameters": ${messageOf(err)}`)
    }
  }
  if (problems.length) throw new CustomToolError(name, problems)
  const run = v.run as (args: unknown, ctx: CustomToolContext) => unknown
  const logger = (o.logger ?? noopLogger).child({ component: 'tool', tool: name })
  let tool: Tool
  try {
    tool = defineTool({
      name: name!,
      description: v.description as string,
      input: params!.input,
      ...(v.cacheTtl !== undefined ? { cacheTtl: v.cacheTtl as number | null } : {}),
      ...(v.dedupTtl !== undefined ? { dedupTtl: v.dedupTtl as number | null } : {}),
      ...(v.timeoutMs !== undefined ? { timeoutMs: v.timeoutMs as number } : {}),
      ...(v.postEffects !== undefined ? { postEffects: v.postEffects as string[] | null } : {}),
      ...(v.sideEffectFree !== undefined ? { sideEffectFree: v.sideEffectFree as boolean } : {}),
      ...(v.reflect !== undefined ? { reflect: v.reflect as boolean } : {}),
      run: (args, ctx: ToolContext) => run(args, {
        agentId: ctx.agentId,
        conversationId: ctx.conversationId,
        branch: ctx.branchId,
        idempotencyKey: ctx.idempotencyKey,
        logger,
        ...(ctx.ledger ? { ledger: readOnlyLedger(ctx.ledger) } : {}),
        signal: ctx.signal,
      }),
    })
  } catch (err) {
    // defineTool names the tool already ("tool "x": cacheTtl must be …"); keep only the problem.
    throw new CustomToolError(name, [messageOf(err).replace(/^tool "[^"]*": /, '')])
  }
  return Object.freeze({ ...tool, functionSchema: params!.schema })
}

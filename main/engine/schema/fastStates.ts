import type { State } from './states'

// `StateSchema.safeParse` without zod for the state kinds a turn pushes (a tenth of a turn's CPU
// went to zod): for a valid state it builds what zod builds (keys in the schema's order, defaults
// filled in, records copied, unknown keys dropped), so the stored JSON is byte-for-byte the same.
// Anything it is not sure of (another kind, a wrong type, a symbol or `__proto__` key, a
// prototype other than Object's) returns undefined, and the caller runs zod, which accepts or
// rejects it with the usual message. fastStates.test.ts checks it against zod.

type Obj = Record<string, unknown>

/** Bail-out marker: the caller asks zod instead. */
const NO = Symbol('no')

const isPlain = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

/** A plain object with only ordinary string keys, copied the way zod copies a record. */
function record(v: unknown): Obj | typeof NO {
  if (!isPlain(v) || Object.getOwnPropertySymbols(v).length > 0) return NO
  const out: Obj = {}
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return NO
    out[k] = v[k]
  }
  // Non-enumerable own keys are skipped by zod as by Object.keys; getters would run twice: bail.
  return Object.getOwnPropertyNames(v).length === Object.keys(v).length ? out : NO
}

const str = (v: unknown): v is string => typeof v === 'string'
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** `StateMetaSchema.default(null)`: null, a string or a record. */
function meta(s: Obj): unknown {
  const v = s.meta
  if (v === undefined || v === null) return null
  if (str(v)) return v
  return record(v)
}

function toolCall(v: unknown): Obj | typeof NO {
  if (!isPlain(v) || !nonEmpty(v.id) || !nonEmpty(v.name)) return NO
  const args = record(v.arguments)
  return args === NO ? NO : { id: v.id, name: v.name, arguments: args }
}

function userMessage(s: Obj): Obj | typeof NO {
  if (!str(s.text)) return NO
  const m = meta(s)
  return m === NO ? NO : { kind: s.kind, text: s.text, meta: m }
}

function assistantMessage(s: Obj): Obj | typeof NO {
  if (!('content' in s) || (s.content !== null && !str(s.content))) return NO
  let calls: Obj[] = []
  if (s.toolCalls !== undefined) {
    if (!Array.isArray(s.toolCalls)) return NO
    calls = []
    for (const c of s.toolCalls as unknown[]) {
      const t = toolCall(c)
      if (t === NO) return NO
      calls.push(t)
    }
  }
  const m = meta(s)
  return m === NO ? NO : { kind: s.kind, content: s.content, toolCalls: calls, meta: m }
}

function toolCallState(s: Obj): Obj | typeof NO {
  if (!nonEmpty(s.id) || !nonEmpty(s.name)) return NO
  const args = record(s.arguments)
  return args === NO ? NO : { kind: s.kind, id: s.id, name: s.name, arguments: args }
}

function toolResult(s: Obj): Obj | typeof NO {
  if (!nonEmpty(s.toolCallId) || !nonEmpty(s.toolName) || (s.status !== 'ok' && s.status !== 'error')) return NO
  let error: Obj | null = null
  if (s.error !== undefined && s.error !== null) {
    const e = s.error
    if (!isPlain(e) || !str(e.message) || ('code' in e && e.code !== undefined && !str(e.code))) return NO
    error = 'code' in e ? { message: e.message, code: e.code } : { message: e.message }
  }
  // The schema's refinement: an error exactly when the status is "error".
  if ((s.status === 'error') !== (error !== null)) return NO
  let args: Obj | null = null
  if (s.arguments !== undefined && s.arguments !== null) {
    const a = record(s.arguments)
    if (a === NO) return NO
    args = a
  }
  if (s.reward !== undefined && s.reward !== null && !finite(s.reward)) return NO
  // Each shape in one literal (adding keys one by one cost a map transition each).
  const reward = s.reward ?? null
  return 'result' in s
    ? { kind: s.kind, toolCallId: s.toolCallId, toolName: s.toolName, status: s.status, result: s.result, error, arguments: args, reward }
    : { kind: s.kind, toolCallId: s.toolCallId, toolName: s.toolName, status: s.status, error, arguments: args, reward }
}

function finished(s: Obj): Obj | typeof NO {
  if (s.reason !== undefined && s.reason !== null && !str(s.reason)) return NO
  return { kind: s.kind, reason: s.reason ?? null }
}

/** `correlationId: z.string().min(1).nullable().default(null)` (and agentId alike). */
const optionalId = (v: unknown): string | null | typeof NO => (v === undefined || v === null ? null : nonEmpty(v) ? v : NO)

function waiting(s: Obj): Obj | typeof NO {
  const w = s.waitingFor
  if (w !== 'llm' && w !== 'tool' && w !== 'agent' && w !== 'user_input') return NO
  if (!Number.isSafeInteger(s.deadline) || (s.deadline as number) < 0) return NO
  const c = optionalId(s.correlationId)
  return c === NO ? NO : { kind: s.kind, waitingFor: w, deadline: s.deadline, correlationId: c }
}

function agentCall(s: Obj): Obj | typeof NO {
  if (!nonEmpty(s.agentId) || !str(s.message) || !nonEmpty(s.correlationId)) return NO
  return { kind: s.kind, agentId: s.agentId, message: s.message, correlationId: s.correlationId }
}

function agentResult(s: Obj): Obj | typeof NO {
  if (!nonEmpty(s.correlationId)) return NO
  const agentId = optionalId(s.agentId)
  const status = s.status ?? 'ok'
  if (agentId === NO || (status !== 'ok' && status !== 'timeout' && status !== 'error')) return NO
  const result = record(s.result)
  if (result === NO || (s.score !== undefined && s.score !== null && !finite(s.score))) return NO
  return { kind: s.kind, correlationId: s.correlationId, agentId, status, result, score: s.score ?? null }
}

const BY_KIND: Record<string, (s: Obj) => Obj | typeof NO> = {
  user_message: userMessage,
  assistant_message: assistantMessage,
  tool_call: toolCallState,
  tool_result: toolResult,
  finished,
  waiting,
  agent_call: agentCall,
  agent_result: agentResult,
}

/**
 * What `StateSchema.safeParse(s).data` would be, built without zod, for the kinds a turn pushes;
 * undefined when zod has to decide (then it accepts or rejects as always).
 */
export function fastState(s: unknown): State | undefined {
  if (!isPlain(s) || typeof s.kind !== 'string') return undefined
  const build = Object.prototype.hasOwnProperty.call(BY_KIND, s.kind) ? BY_KIND[s.kind] : undefined
  if (!build) return undefined
  const out = build(s)
  return out === NO ? undefined : (out as State)
}

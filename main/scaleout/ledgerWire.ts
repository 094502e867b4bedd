import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { AppError, ConfigError, InternalError, LedgerError, ProviderError, StorageError, ToolError, UserInputError, messageOf, type StorageErrorCode } from '../engine/errors'
import { CommandIdReusedError, type FirstTransfer } from '../engine/ledger/commandIds'

/**
 * The wire format of remote ledger calls (worker → coordinator → worker) on Redis lists.
 * A request and an answer travel as `{envelope, sig}`: `envelope` is the exact JSON text that
 * was signed (HMAC-SHA256 with the shared job secret), checked before it is parsed.
 */

/** The LedgerClient methods a worker may call on the coordinator's ledger (never `close`). */
export const LEDGER_METHODS = ['status', 'createWallet', 'getWallet', 'listWallets', 'walletVersions', 'transfer', 'history', 'metrics', 'events', 'audit', 'revision'] as const
export type LedgerMethod = (typeof LEDGER_METHODS)[number]

/** Redis keys under `prefix`: one request list (FIFO), one answer list per worker-side client. */
export const ledgerKeys = (prefix: string) => ({
  requests: `${prefix}:ledger:requests`,
  replies: (client: string) => `${prefix}:ledger:replies:${client}`,
})

/** Client ids become key names: letters, digits, `_` and `-` only. */
const ClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

const SignedSchema = z.strictObject({ envelope: z.string(), sig: z.string() })

export const RequestEnvelopeSchema = z.strictObject({
  v: z.literal(1),
  appVersion: z.string().min(1),
  /** `<client>.<n>`: unique per call; a resend carries the same id. */
  id: z.string().min(1).max(200),
  client: ClientIdSchema,
  method: z.enum(LEDGER_METHODS),
  args: z.array(z.unknown()).max(4),
})
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>

export interface WireError {
  name: string
  code: string
  message: string
  /** JSON-safe own fields of the error (e.g. `problems`, `file`, `first`). */
  fields?: Record<string, unknown>
}

const AnswerEnvelopeSchema = z.union([
  z.strictObject({ v: z.literal(1), id: z.string(), ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ v: z.literal(1), id: z.string(), ok: z.literal(false), error: z.strictObject({ name: z.string(), code: z.string(), message: z.string(), fields: z.record(z.string(), z.unknown()).optional() }) }),
])
export type AnswerEnvelope = z.infer<typeof AnswerEnvelopeSchema>

/** Sent unsigned when the coordinator could not trust a request: the caller fails with `line` at once. */
const RefusalSchema = z.strictObject({ refused: z.string(), id: z.string() })

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex')

const signedText = (secret: string, envelope: unknown): string => {
  const text = JSON.stringify(envelope)
  return JSON.stringify({ envelope: text, sig: hmac(secret, text) })
}

function sigOk(secret: string, envelope: string, sig: string): boolean {
  const want = Buffer.from(hmac(secret, envelope), 'hex')
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex')
  return got.length === want.length && timingSafeEqual(got, want)
}

export const signRequest = (secret: string, req: RequestEnvelope): string => signedText(secret, req)
export const signAnswer = (secret: string, answer: AnswerEnvelope): string => signedText(secret, answer)
export const refusalText = (id: string, line: string): string => JSON.stringify({ refused: line, id })

/** A request the coordinator will not run; `message` is one line, `replyTo` where to say so (if known). */
export class LedgerRequestRefusedError extends Error {
  constructor(message: string, readonly replyTo?: { client: string; id: string }) {
    super(message)
    this.name = 'LedgerRequestRefusedError'
  }
}

const SECRET_HINT = 'the coordinator and this worker must share the same secret (redis.secret / P2ENGINE_JOB_SECRET)'

/** Where to send a refusal: read from an untrusted request only to route the one-line answer. */
function routeOf(envelope: unknown): { client: string; id: string } | undefined {
  const raw = (typeof envelope === 'string' ? parseJson(envelope) : undefined) as { client?: unknown; id?: unknown } | null | undefined
  const client = ClientIdSchema.safeParse(raw?.client)
  return client.success && typeof raw?.id === 'string' && raw.id.length <= 200 ? { client: client.data, id: raw.id } : undefined
}

/** Checks signature, shape and app version of a request popped from Redis. */
export function verifyRequest(secret: string, text: string, appVersion: string): RequestEnvelope {
  const outer = parseJson(text)
  if (outer === undefined) throw new LedgerRequestRefusedError('ledger request refused: it is not JSON; only workers with the shared secret may call the coordinator\'s ledger')
  const signed = SignedSchema.safeParse(outer)
  const route = routeOf(signed.success ? signed.data.envelope : (outer as { envelope?: unknown } | null)?.envelope)
  const named = route ? `ledger request ${route.id}` : 'ledger request'
  if (!signed.success) throw new LedgerRequestRefusedError(`${named} refused: it is not signed (expected {envelope, sig}); only workers with the shared secret (redis.secret / P2ENGINE_JOB_SECRET) may call the coordinator's ledger`, route)
  if (!sigOk(secret, signed.data.envelope, signed.data.sig)) throw new LedgerRequestRefusedError(`${named} refused: bad signature; ${SECRET_HINT}`, route)
  const env = RequestEnvelopeSchema.safeParse(parseJson(signed.data.envelope))
  if (!env.success) {
    const issue = env.error.issues[0]!
    throw new LedgerRequestRefusedError(`${named} refused: malformed (${issue.path.join('.') || 'envelope'}: ${issue.message})`, route)
  }
  if (env.data.appVersion !== appVersion) {
    throw new LedgerRequestRefusedError(`${named} refused: it comes from P2Engine ${env.data.appVersion} and the coordinator runs ${appVersion}; run workers with the coordinator's version`, route)
  }
  return env.data
}

/** What a worker reads from its answer list. `ignored`: not signed by our secret (never trusted). */
export type ReadAnswer = { kind: 'answer'; answer: AnswerEnvelope } | { kind: 'refused'; id: string; line: string } | { kind: 'ignored'; why: string }

export function readAnswer(secret: string, text: string): ReadAnswer {
  const outer = parseJson(text)
  if (outer === undefined) return { kind: 'ignored', why: 'an answer that is not JSON' }
  const refusal = RefusalSchema.safeParse(outer)
  if (refusal.success) return { kind: 'refused', id: refusal.data.id, line: refusal.data.refused }
  const signed = SignedSchema.safeParse(outer)
  if (!signed.success) return { kind: 'ignored', why: 'an unsigned answer' }
  if (!sigOk(secret, signed.data.envelope, signed.data.sig)) return { kind: 'ignored', why: `an answer with a bad signature (${SECRET_HINT})` }
  const env = AnswerEnvelopeSchema.safeParse(parseJson(signed.data.envelope))
  if (!env.success) return { kind: 'ignored', why: 'a malformed answer' }
  return { kind: 'answer', answer: env.data }
}

/** An error thrown by the coordinator's ledger, as plain data with its class name and code. */
export function toWireError(err: unknown): WireError {
  if (!(err instanceof AppError)) return { name: 'InternalError', code: 'INTERNAL', message: `the coordinator's ledger failed: ${messageOf(err)}` }
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(err)) {
    if (k === 'code' || k === 'name' || k === 'cause') continue
    try {
      fields[k] = JSON.parse(JSON.stringify(v)) as unknown
    } catch {
      // not plain data: left out
    }
  }
  return { name: err.name, code: err.code, message: err.message, ...(Object.keys(fields).length ? { fields } : {}) }
}

/** The same error class, code and message on the worker (e.g. insufficient balance stays a LedgerError). */
export function fromWireError(e: WireError): AppError {
  const f = e.fields ?? {}
  let err: AppError
  switch (e.name) {
    case 'UserInputError': err = new UserInputError(e.message, e.code); break
    case 'LedgerError': err = new LedgerError(e.message, e.code); break
    case 'CommandIdReusedError':
      err = new CommandIdReusedError(String(f.commandId), f.first as FirstTransfer, f.attempted as Omit<FirstTransfer, 'committedAt'>)
      break
    case 'ConfigError': err = new ConfigError(Array.isArray(f.problems) ? f.problems.map(String) : e.message, e.code); break
    case 'ProviderError': err = new ProviderError(e.message, e.code); break
    case 'ToolError': err = new ToolError(e.message, e.code); break
    case 'StorageError': err = new StorageError(e.code as StorageErrorCode, String(f.file ?? ''), e.message); break
    default: err = new InternalError(e.message, e.code)
  }
  if (err.message !== e.message) Object.defineProperty(err, 'message', { value: e.message })
  for (const [k, v] of Object.entries(f)) if (!(k in err)) Object.defineProperty(err, k, { value: v, enumerable: true })
  return err
}

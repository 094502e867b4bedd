import { LedgerError } from '../../engine/errors'
import type { components } from './generated/ledgerApi'

/** The JSON Ledger API's error body. */
export type JsCantonError = components['schemas']['JsCantonError']

/** A non-2xx answer of the JSON Ledger API (or no answer at all). */
export class CantonCallError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly body: JsCantonError | string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${describeBody(status, body)}`, options)
    this.name = 'CantonCallError'
  }

  /** The Canton error code (`DUPLICATE_COMMAND`, …), or undefined for plain-text / network errors. */
  get code(): string | undefined {
    return isJsCantonError(this.body) ? this.body.code : undefined
  }
}

export function isJsCantonError(x: unknown): x is JsCantonError {
  return typeof x === 'object' && x !== null && typeof (x as JsCantonError).code === 'string' && typeof (x as JsCantonError).cause === 'string'
}

function describeBody(status: number, body: JsCantonError | string | undefined): string {
  if (status === 0) return `cannot connect (${typeof body === 'string' ? body : 'no response'})`
  if (isJsCantonError(body)) return `${body.code}: ${body.cause}`
  return `HTTP ${status}${body ? `: ${String(body).slice(0, 500)}` : ''}`
}

/**
 * Error categories of Canton's error codes (ErrorCategory ids): 1 transient server failure,
 * 2 contention on shared resources, 3 deadline exceeded (state unknown; safe to resubmit with the
 * same command id because of deduplication).
 */
const TRANSIENT_CATEGORIES = new Set([1, 2, 3])
const TRANSIENT_CODES = new Set(['SUBMISSION_ALREADY_IN_FLIGHT', 'NOT_SEQUENCED_TIMEOUT', 'LOCAL_VERDICT_LOCKED_CONTRACTS', 'SERVICE_NOT_RUNNING'])
/** The contract we exercised was archived meanwhile (another transfer): re-read and resubmit. */
const STALE_CODES = new Set(['CONTRACT_NOT_FOUND', 'LOCAL_VERDICT_INACTIVE_CONTRACTS', 'INCONSISTENT_CONTRACTS'])

export type Disposition = 'duplicate' | 'transient' | 'stale' | 'fatal'

/** What to do with a failed call: treat as success, retry the same command, re-read state and retry, or give up. */
export function classify(err: unknown): Disposition {
  if (!(err instanceof CantonCallError)) return 'fatal'
  if (err.status === 0 || err.status === 503 || err.status === 502 || err.status === 504) return 'transient'
  const body = err.body
  if (!isJsCantonError(body)) return 'fatal'
  if (body.code === 'DUPLICATE_COMMAND') return 'duplicate'
  if (STALE_CODES.has(body.code)) return 'stale'
  if (TRANSIENT_CODES.has(body.code) || TRANSIENT_CATEGORIES.has(body.errorCategory) || body.grpcCodeValue === 14) return 'transient'
  return 'fatal'
}

/** Daml assertion messages of `Ledger.daml` and the error codes the embedded ledger uses for them. */
const DAML_ASSERTIONS: Array<[string, string]> = [
  ['Insufficient balance', 'INSUFFICIENT_BALANCE'],
  ['Amount must be positive', 'BAD_AMOUNT'],
]

/** The ledger's reason: a Daml assertion message when there is one, else the error's cause. */
export function ledgerReason(body: JsCantonError | string | undefined): { reason: string; code: string } {
  if (!isJsCantonError(body)) return { reason: typeof body === 'string' && body ? body.slice(0, 500) : 'no details', code: 'LEDGER' }
  for (const [text, code] of DAML_ASSERTIONS) if (body.cause.includes(text)) return { reason: text, code }
  return { reason: `${body.code}: ${body.cause}`, code: body.code }
}

/** What to do about ledger error codes a user can fix. */
const HINTS: Record<string, string> = {
  USER_NOT_FOUND: 'the Ledger API user does not exist on this participant; P2Engine creates it at first use (needs ParticipantAdmin rights, or create it with `POST /v2/users`), or set CANTON_USER_ID to an existing user',
  PACKAGE_NAMES_NOT_FOUND: 'the Daml model (p2engine-ledger) is not uploaded to this participant; build it with `sh daml/build.sh` and set P2ENGINE_DAR, or use `p2engine ledger canton start` (uploads it)',
}

/** One clear LedgerError naming the operation and the ledger's reason. */
export function toLedgerError(operation: string, err: unknown, baseUrl?: string): LedgerError {
  if (err instanceof LedgerError) return err
  if (err instanceof CantonCallError) {
    if (err.status === 0) {
      return new LedgerError(
        `${operation} failed: cannot connect to the Canton JSON API${baseUrl ? ` at ${baseUrl}` : ''} (${String(err.body)}); start it with \`p2engine ledger canton start\``,
        'LEDGER_UNREACHABLE',
        { cause: err },
      )
    }
    if (err.status === 401 || err.status === 403) {
      return new LedgerError(`${operation} failed: the Canton JSON API refused the credentials (HTTP ${err.status}); check ledger auth settings`, 'LEDGER_AUTH', { cause: err })
    }
    if (err.status === 413) {
      return new LedgerError(`${operation} failed: the answer has more elements than the JSON API's http-list-max-elements-limit (HTTP 413); raise that limit in the participant's config`, 'LEDGER_LIST_LIMIT', { cause: err })
    }
    const { reason, code } = ledgerReason(err.body)
    const hint = HINTS[code]
    return new LedgerError(`${operation} was rejected by the ledger: ${reason}${hint ? `; ${hint}` : ''}`, code, { cause: err })
  }
  return new LedgerError(`${operation} failed: ${err instanceof Error ? err.message : String(err)}`, 'LEDGER', { cause: err })
}

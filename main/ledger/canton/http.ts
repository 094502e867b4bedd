import createClient, { type Client } from 'openapi-fetch'
import { authHeaderProvider, type CantonAuth } from './auth'
import { CantonCallError, classify, toLedgerError, type JsCantonError } from './errors'
import { summarizeBody, type RecentLedgerError } from './errorRing'
import type { paths } from './generated/ledgerApi'

/** The typed JSON Ledger API v2 client (paths generated from the vendored OpenAPI). */
export type LedgerApi = Client<paths>

export interface LedgerHttpOptions {
  /** JSON API base URL, e.g. `http://127.0.0.1:7575`. */
  baseUrl: string
  auth?: CantonAuth
  /** Per-request timeout; a timed-out request counts as transient. */
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
  /** Told about every non-2xx answer and every failure to connect (for `ledger debug`). */
  onCallError?: (e: RecentLedgerError) => void
}

/** Builds the openapi-fetch client with the `Authorization` header and a request timeout. */
export function createLedgerApi(options: LedgerHttpOptions): LedgerApi {
  const header = authHeaderProvider(options.auth ?? { kind: 'none' })
  const baseFetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 60_000
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: (req: Request) => baseFetch(req, { signal: AbortSignal.timeout(timeoutMs) }),
  })
  client.use({
    onRequest({ request }) {
      const h = header()
      if (h) request.headers.set('Authorization', h)
      return request
    },
  })
  const report = options.onCallError
  if (report) {
    client.use({
      async onResponse({ request, response }) {
        if (response.ok) return undefined
        const text = await response.clone().text().catch(() => '')
        report({ at: new Date().toISOString(), method: request.method, path: new URL(request.url).pathname, status: response.status, ...summarizeBody(text) })
        return undefined
      },
      onError({ request, error }) {
        const e = error as Error & { cause?: unknown }
        const message = e?.cause instanceof Error ? e.cause.message : e?.message ?? String(error)
        report({ at: new Date().toISOString(), method: request.method, path: new URL(request.url).pathname, status: 0, code: null, message })
        return undefined
      },
    })
  }
  return client
}

type Answer<T> = { data?: T; error?: unknown; response: Response }

/**
 * Runs one request; returns the data or throws a {@link CantonCallError} (status 0 when the
 * server could not be reached).
 */
export async function call<T>(operation: string, request: () => Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>
  try {
    answer = await request()
  } catch (err) {
    throw new CantonCallError(operation, 0, err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err), { cause: err })
  }
  if (answer.response.ok) return answer.data as T
  throw new CantonCallError(operation, answer.response.status, answer.error as JsCantonError | string | undefined)
}

export interface RetryOptions {
  attempts: number
  delayMs: number
  sleep?: (ms: number) => Promise<void>
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Retries `fn` while it fails transiently (unavailable, contention, timeouts), with linear backoff;
 * the caller keeps the same command id across attempts so the ledger deduplicates. Every other
 * failure becomes one LedgerError naming `operation`.
 */
export async function withRetry<T>(operation: string, baseUrl: string, retry: RetryOptions, fn: () => Promise<T>): Promise<T> {
  const sleep = retry.sleep ?? defaultSleep
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (classify(err) === 'transient' && attempt < retry.attempts) {
        await sleep(retry.delayMs * attempt)
        continue
      }
      throw toLedgerError(operation, err, baseUrl)
    }
  }
}

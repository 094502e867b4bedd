import { messageOf } from '../../engine/errors'
import type { CheckResult } from './doctor'

/**
 * Checks that the Canton JSON Ledger API at `baseUrl` answers (`GET /v2/version`): any HTTP
 * answer proves a server; no answer within `timeoutMs` or a refused connection is a failure.
 */
export async function checkCanton(baseUrl: string, timeoutMs = 3000, fetchImpl: typeof fetch = fetch): Promise<CheckResult> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v2/version`
  const started = performance.now()
  try {
    const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    const ms = Math.round(performance.now() - started)
    return res.ok
      ? { check: 'canton', status: 'ok', detail: `${baseUrl} answered in ${ms} ms` }
      : { check: 'canton', status: 'warn', detail: `${baseUrl} answered HTTP ${res.status} to GET /v2/version (auth? see \`p2engine ledger canton status\`)` }
  } catch (err) {
    const c = (err as { cause?: { code?: string; message?: string } }).cause
    const cause = c?.code ?? c?.message ?? messageOf(err)
    return { check: 'canton', status: 'fail', detail: `nothing answered at ${baseUrl} (${cause}); start the sandbox with \`p2engine ledger canton start\` or fix ledger.jsonApiUrl` }
  }
}

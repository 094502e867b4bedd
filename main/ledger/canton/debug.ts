import { messageOf } from '../../engine/errors'
import type { CantonLedger } from './cantonLedger'
import type { RecentLedgerError } from './errorRing'
import { call } from './http'
import { TEMPLATE } from './templates'
import { describeRight } from './user'

/** One probe of `ledger debug`: what was asked, whether it worked, what came back. */
export interface DebugCheck {
  name: string
  ok: boolean
  detail: string
}

/** What `p2engine ledger debug` reports for the canton backend. */
export interface CantonDebugReport {
  backend: 'canton'
  jsonApiUrl: string
  /** Canton's version (`GET /v2/version`), null when unreachable. */
  version: string | null
  /** Round trip of `GET /v2/version` and `GET /v2/state/ledger-end`, in ms (null when it failed). */
  latencyMs: { version: number | null; ledgerEnd: number | null }
  ledgerEnd: number | null
  party: string | null
  user: { id: string; exists: boolean; primaryParty: string | null; deactivated: boolean | null; rights: string[] }
  /** The model's package id, read from an AgentWallet's template id (null without wallets). */
  packageId: string | null
  packageCount: number | null
  walletCount: number | null
  checks: DebugCheck[]
  /** The client's most recent failed calls, including those made by this report. */
  recentErrors: RecentLedgerError[]
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now()
  const value = await fn()
  return { value, ms: Math.round((performance.now() - t0) * 10) / 10 }
}

/**
 * Probes the JSON Ledger API step by step (liveness, version, ledger end, party, user and rights,
 * packages, wallets); a failing step is reported, never thrown, so the report always prints.
 */
export async function cantonDebug(ledger: CantonLedger): Promise<CantonDebugReport> {
  const api = ledger.api
  const checks: DebugCheck[] = []
  const probe = async <T>(name: string, fn: () => Promise<T>, show: (v: T) => string): Promise<T | undefined> => {
    try {
      const v = await fn()
      checks.push({ name, ok: true, detail: show(v) })
      return v
    } catch (err) {
      checks.push({ name, ok: false, detail: messageOf(err) })
      return undefined
    }
  }
  const r: CantonDebugReport = {
    backend: 'canton', jsonApiUrl: ledger.baseUrl, version: null, latencyMs: { version: null, ledgerEnd: null }, ledgerEnd: null, party: null,
    user: { id: ledger.userId, exists: false, primaryParty: null, deactivated: null, rights: [] }, packageId: null, packageCount: null, walletCount: null, checks, recentErrors: [],
  }
  await probe('GET /livez', async () => {
    const res = await fetch(`${ledger.baseUrl.replace(/\/+$/, '')}/livez`, { signal: AbortSignal.timeout(5000) })
    const text = (await res.text()).slice(0, 200)
    if (!res.ok) throw new Error(`HTTP ${res.status} ${text}`)
    return text
  }, (t) => `HTTP 200${t ? ` ${t}` : ''}`)
  const v = await probe('GET /v2/version', () => timed(() => call('version', () => api.GET('/v2/version'))), (x) => `Canton ${x.value.version} in ${x.ms} ms`)
  if (v) { r.version = v.value.version; r.latencyMs.version = v.ms }
  const end = await probe('GET /v2/state/ledger-end', () => timed(() => call('ledger end', () => api.GET('/v2/state/ledger-end'))), (x) => `offset ${x.value.offset} in ${x.ms} ms`)
  if (end) { r.ledgerEnd = end.value.offset ?? 0; r.latencyMs.ledgerEnd = end.ms }
  r.party = (await probe('party and user (allocate / create if missing)', () => ledger.party(), (p) => p)) ?? null
  const user = await probe(`GET /v2/users/${ledger.userId}`, () => call('get user', () => api.GET('/v2/users/{user-id}', { params: { path: { 'user-id': ledger.userId } } })), (u) => `primary party ${u.user.primaryParty || '(none)'}${u.user.isDeactivated ? ', DEACTIVATED' : ''}`)
  if (user) r.user = { ...r.user, exists: true, primaryParty: user.user.primaryParty || null, deactivated: user.user.isDeactivated ?? false }
  const rights = await probe(`GET /v2/users/${ledger.userId}/rights`, () => call('list user rights', () => api.GET('/v2/users/{user-id}/rights', { params: { path: { 'user-id': ledger.userId } } })), (x) => `${x.rights?.length ?? 0} rights`)
  if (rights) r.user.rights = (rights.rights ?? []).map(describeRight)
  if (r.party && rights) {
    const can = (kind: string) => r.user.rights.includes(`${kind} ${r.party}`)
    // CanActAs implies reading as the party; CanReadAs alone can't submit.
    checks.push({ name: 'user rights on the party', ok: can('CanActAs'), detail: `CanActAs ${can('CanActAs') ? 'yes' : 'MISSING'}, CanReadAs ${can('CanReadAs') ? 'yes' : can('CanActAs') ? 'implied by CanActAs' : 'MISSING'}` })
  }
  const pkgs = await probe('GET /v2/packages', () => call('list packages', () => api.GET('/v2/packages')), (x) => `${x.packageIds.length} packages`)
  if (pkgs) r.packageCount = pkgs.packageIds.length
  if (r.party && r.ledgerEnd !== null) {
    const party = r.party
    const acs = await probe('wallet query (active AgentWallet contracts)', () => call('query active wallets', () => api.POST('/v2/state/active-contracts', {
      body: { activeAtOffset: r.ledgerEnd!, verbose: false, eventFormat: { filtersByParty: { [party]: { cumulative: [{ identifierFilter: { TemplateFilter: { value: { templateId: TEMPLATE.AgentWallet, includeCreatedEventBlob: false } } } }] } }, verbose: false } },
    })), (x) => `${x.length} wallets`)
    if (acs) {
      r.walletCount = acs.length
      const first = acs.map((e) => e.contractEntry).find((c) => c && 'JsActiveContract' in c)
      const templateId = first && 'JsActiveContract' in first ? first.JsActiveContract.createdEvent.templateId : undefined
      r.packageId = templateId?.split(':')[0] ?? null
    }
  }
  r.recentErrors = ledger.recentErrors.list()
  return r
}

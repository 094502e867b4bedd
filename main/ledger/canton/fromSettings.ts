import type { Settings } from '../../engine/config/types'
import type { CantonAuth } from './auth'
import { CantonLedger, type CantonLedgerOptions } from './cantonLedger'
import { readState, isAlive } from './sandbox/state'

/**
 * Auth for the JSON API from the environment: `CANTON_TOKEN` (a bearer token), else
 * `CANTON_JWT_SECRET` (dev setups: HS256 JWTs minted for `CANTON_USER_ID`, default `p2engine`),
 * else none (a local sandbox).
 */
export function cantonAuthFromEnv(env: NodeJS.ProcessEnv): CantonAuth {
  if (env.CANTON_TOKEN) return { kind: 'token', token: env.CANTON_TOKEN }
  if (env.CANTON_JWT_SECRET) return { kind: 'hs256', secret: env.CANTON_JWT_SECRET, userId: env.CANTON_USER_ID ?? 'p2engine', audience: env.CANTON_JWT_AUDIENCE }
  return { kind: 'none' }
}

/** The JSON API URL: the running managed sandbox's, else `ledger.jsonApiUrl`. */
export function cantonJsonApiUrl(settings: Settings): string {
  const s = readState(settings.home)
  return s && isAlive(s.pid) ? s.jsonApiUrl : settings.ledger.jsonApiUrl
}

/** Builds the Canton backend from settings (used by the composition roots); `extra` overrides options (e.g. no retries). */
export function cantonLedgerFromSettings(settings: Settings, env: NodeJS.ProcessEnv, url = cantonJsonApiUrl(settings), extra: Partial<CantonLedgerOptions> = {}): CantonLedger {
  return new CantonLedger({ baseUrl: url, party: settings.ledger.partyId, auth: cantonAuthFromEnv(env), userId: env.CANTON_USER_ID ?? 'p2engine', ...extra })
}

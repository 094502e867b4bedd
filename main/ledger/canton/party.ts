import { call, type LedgerApi } from './http'
import { CantonCallError } from './errors'

/** The party id hint for a configured party id: `p2engine::default` → `p2engine_default`. */
export function partyHintOf(partyId: string): string {
  return partyId.replace(/::/g, '_').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 200) || 'p2engine'
}

/** Lists every party the participant knows, following page tokens. */
async function listParties(api: LedgerApi): Promise<string[]> {
  const parties: string[] = []
  let pageToken: string | undefined
  for (let page = 0; page < 1000; page++) {
    const res = await call('list parties', () => api.GET('/v2/parties', { params: { query: { pageSize: 1000, ...(pageToken ? { pageToken } : {}) } } }))
    parties.push(...res.partyDetails.map((p) => p.party))
    pageToken = res.nextPageToken || undefined
    if (!pageToken) break
  }
  return parties
}

/**
 * Reuses the P2Engine party (configured id, or one allocated earlier from the same hint) or
 * allocates it. Returns the full party id (`<hint>::<namespace>`). The party is allocated without
 * `userId`: a strict participant refuses that for a user that does not exist yet
 * (`USER_NOT_FOUND`); {@link ensureUser} creates the user with its rights afterwards.
 */
export async function resolveParty(api: LedgerApi, configured: string): Promise<string> {
  const hint = partyHintOf(configured)
  const pick = (parties: string[]) => parties.find((p) => p === configured) ?? parties.find((p) => p.startsWith(`${hint}::`))
  const known = pick(await listParties(api))
  if (known) return known
  try {
    const res = await call('allocate party', () => api.POST('/v2/parties', { body: { partyIdHint: hint } }))
    return res.partyDetails.party
  } catch (err) {
    // Another process may have allocated it between our list and our allocation.
    if (err instanceof CantonCallError && err.status !== 0) {
      const again = pick(await listParties(api))
      if (again) return again
    }
    throw err
  }
}

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
 * (`USER_NOT_FOUND`); {@link ensureUser} creates the user with its rights afterwards. Only when
 * that is not allowed (403: a non-admin user token) it allocates the party for `userId` itself.
 */
export async function resolveParty(api: LedgerApi, configured: string, userId?: string): Promise<string> {
  const hint = partyHintOf(configured)
  const pick = (parties: string[]) => parties.find((p) => p === configured) ?? parties.find((p) => p.startsWith(`${hint}::`))
  const known = pick(await listParties(api))
  if (known) return known
  const allocate = (forUser?: string) => call('allocate party', () => api.POST('/v2/parties', { body: { partyIdHint: hint, ...(forUser ? { userId: forUser } : {}) } }))
  try {
    try {
      return (await allocate()).partyDetails.party
    } catch (err) {
      // A user token without ParticipantAdmin may still allocate a party for itself
      // (IsAuthenticatedUser(user_id)); that also grants it CanActAs.
      if (userId && err instanceof CantonCallError && err.status === 403) return (await allocate(userId)).partyDetails.party
      throw err
    }
  } catch (err) {
    // Another process may have allocated it between our list and our allocation.
    if (err instanceof CantonCallError && err.status !== 0) {
      const again = pick(await listParties(api))
      if (again) return again
    }
    throw err
  }
}

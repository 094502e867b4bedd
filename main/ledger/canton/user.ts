import { LedgerError, UserInputError } from '../../engine/errors'
import type { components } from './generated/ledgerApi'
import { CantonCallError } from './errors'
import { call, type LedgerApi } from './http'

type Right = components['schemas']['Right']

/** A valid UserIdString: 1–128 of `[A-Za-z0-9]` and ``@^$.!`-#+'~_|:()`` (value.proto). */
const USER_ID = /^[A-Za-z0-9@^$.!`\-#+'~_|:()]{1,128}$/

/** Checks a Ledger API user id before it is sent; names the setting that holds it. */
export function checkUserId(userId: string, source = 'CANTON_USER_ID'): string {
  if (!USER_ID.test(userId)) {
    throw new UserInputError(`${source} "${userId}" is not a valid Ledger API user id; expected 1-128 characters from letters, digits and @^$.!\`-#+'~_|:()`)
  }
  return userId
}

/** The rights P2Engine's user needs on its party: act as it (submit) and read as it (ACS, updates). */
export function partyRights(party: string): Right[] {
  return [{ kind: { CanActAs: { value: { party } } } }, { kind: { CanReadAs: { value: { party } } } }]
}

/** What {@link ensureUser} did: created the user, or found it and granted the missing rights. */
export interface EnsuredUser {
  userId: string
  created: boolean
  /** Rights newly granted to an existing user (empty when it had them all). */
  granted: number
}

/**
 * Makes sure the Ledger API user exists and may act and read as `party`. The party must exist
 * first (a strict participant refuses rights for unknown parties), and the user must exist
 * before rights are granted (`USER_NOT_FOUND`): so we create it with the party as primary party
 * and both rights; `USER_ALREADY_EXISTS` (409) means another run made it, so we grant the rights
 * instead (granting rights a user holds is a no-op). An existing user's primary party is left as is.
 */
export async function ensureUser(api: LedgerApi, userId: string, party: string): Promise<EnsuredUser> {
  try {
    await call('create user', () => api.POST('/v2/users', {
      body: { user: { id: userId, primaryParty: party, isDeactivated: false, identityProviderId: '' }, rights: partyRights(party) },
    }))
    return { userId, created: true, granted: 2 }
  } catch (err) {
    if (err instanceof CantonCallError && err.status === 403) return checkOwnRights(api, userId, party)
    if (!(err instanceof CantonCallError && err.code === 'USER_ALREADY_EXISTS')) throw err
  }
  const res = await call('grant user rights', () => api.POST('/v2/users/{user-id}/rights', {
    params: { path: { 'user-id': userId } },
    body: { userId, rights: partyRights(party), identityProviderId: '' },
  }))
  return { userId, created: false, granted: res.newlyGrantedRights?.length ?? 0 }
}

/**
 * Without ParticipantAdmin (a user token) users and rights can't be managed: the user must
 * already act as the party (CanActAs implies reading). Fails with LEDGER_USER_RIGHTS saying so.
 */
async function checkOwnRights(api: LedgerApi, userId: string, party: string): Promise<EnsuredUser> {
  const res = await call('list user rights', () => api.GET('/v2/users/{user-id}/rights', { params: { path: { 'user-id': userId } } }))
  const canAct = (res.rights ?? []).some((r) => r.kind && 'CanActAs' in r.kind && r.kind.CanActAs.value.party === party)
  if (canAct) return { userId, created: false, granted: 0 }
  throw new LedgerError(
    `the Ledger API user "${userId}" may not act as ${party}, and this token may not grant rights (no ParticipantAdmin); ` +
    `ask the participant's admin to grant CanActAs and CanReadAs on ${party} to "${userId}", or use an admin token`,
    'LEDGER_USER_RIGHTS',
  )
}

/** A user's rights in words (`CanActAs alice::1220…`), for `ledger debug`. */
export function describeRight(r: Right): string {
  const kind = r.kind ?? {}
  const [name, v] = Object.entries(kind)[0] ?? ['Empty', {}]
  const party = (v as { value?: { party?: string } }).value?.party
  return party ? `${name} ${party}` : name
}

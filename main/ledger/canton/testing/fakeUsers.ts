import type { components } from '../generated/ledgerApi'
import { cantonError, DamlRejection } from './fakeErrors'

type S = components['schemas']

/** Canton's user management errors (UserManagementServiceErrors), as the JSON API answers them. */
export const userNotFound = (userId: string, operation: string) => new DamlRejection(404, cantonError(
  'USER_NOT_FOUND', `${operation} failed for unknown user "${userId}"`, 11, 5, { user_id: userId, operation },
))
const userExists = (userId: string) => new DamlRejection(409, cantonError(
  'USER_ALREADY_EXISTS', `creating user failed for duplicate user "${userId}"`, 10, 6, { user_id: userId, operation: 'creating user' },
))
const unknownParties = (parties: string[]) => new DamlRejection(422, cantonError(
  'INVALID_ARGUMENT', `The submitted request has invalid arguments: Provided parties have not been found in identity_provider_id=\`default\`: Set(${parties.join(', ')}).`, 8, 3,
))
const invalidUserId = (userId: string) => new DamlRejection(422, cantonError(
  'INVALID_FIELD', `The submitted command has a field with invalid value: Invalid field user_id: User ID "${userId}" does not match regex`, 8, 3,
))

const key = (r: S['Right']) => JSON.stringify(r.kind ?? {})

/**
 * The participant's user store with the rules a strict participant applies: a user must exist
 * before rights are granted to it (or a party is allocated for it), user ids are unique and
 * valid, and every party named in a right must already be known.
 */
export class FakeUsers {
  private readonly users = new Map<string, { user: S['User']; rights: Map<string, S['Right']> }>()

  constructor(private readonly knownParty: (party: string) => boolean) {}

  has(userId: string): boolean { return this.users.has(userId) }

  private checkRights(rights: S['Right'][] = []): void {
    const parties = rights.map((r) => Object.values(r.kind ?? {})[0] as { value?: { party?: string } } | undefined).map((v) => v?.value?.party).filter((p): p is string => !!p)
    const unknown = parties.filter((p) => !this.knownParty(p))
    if (unknown.length) throw unknownParties(unknown)
  }

  create(req: S['CreateUserRequest']): S['User'] {
    const id = req.user.id
    if (!/^[A-Za-z0-9@^$.!`\-#+'~_|:()]{1,128}$/.test(id)) throw invalidUserId(id)
    if (this.users.has(id)) throw userExists(id)
    if (req.user.primaryParty && !this.knownParty(req.user.primaryParty)) throw unknownParties([req.user.primaryParty])
    this.checkRights(req.rights)
    const user: S['User'] = { id, primaryParty: req.user.primaryParty ?? '', isDeactivated: req.user.isDeactivated ?? false, identityProviderId: '', metadata: { resourceVersion: '0', annotations: {} } }
    this.users.set(id, { user, rights: new Map((req.rights ?? []).map((r) => [key(r), r])) })
    return user
  }

  get(userId: string): S['User'] {
    const u = this.users.get(userId)
    if (!u) throw userNotFound(userId, 'getting user')
    return u.user
  }

  rights(userId: string): S['Right'][] {
    const u = this.users.get(userId)
    if (!u) throw userNotFound(userId, 'listing user rights')
    return [...u.rights.values()]
  }

  /** Grants rights; returns the ones the user did not hold yet. */
  grant(userId: string, rights: S['Right'][] = []): S['Right'][] {
    const u = this.users.get(userId)
    if (!u) throw userNotFound(userId, 'granting rights')
    this.checkRights(rights)
    const fresh = rights.filter((r) => !u.rights.has(key(r)))
    for (const r of fresh) u.rights.set(key(r), r)
    return fresh
  }
}

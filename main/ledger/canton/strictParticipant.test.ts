import { describe, expect, it } from 'vitest'
import { createLedgerApi } from './http'
import { cantonError } from './testing/fakeLedgerApi'
import { clientOf, useFakeLedgers } from './testing/fakeLedgers'

const start = useFakeLedgers()
const make = clientOf
const rightsOf = (party: string) => [{ kind: { CanActAs: { value: { party } } } }, { kind: { CanReadAs: { value: { party } } } }]

describe('the user behind the party (a strict participant)', () => {
  it('refuses a party allocation for a user that does not exist, as a strict sandbox does', async () => {
    const fake = await start()
    const api = createLedgerApi({ baseUrl: fake.url })
    const r = await api.POST('/v2/parties', { body: { partyIdHint: 'x', userId: 'p2engine' } })
    expect(r.response.status).toBe(404)
    expect(r.error).toMatchObject({ code: 'USER_NOT_FOUND', cause: 'granting rights failed for unknown user "p2engine"' })
    const grant = await api.POST('/v2/users/{user-id}/rights', { params: { path: { 'user-id': 'ghost' } }, body: { userId: 'ghost', rights: [] } })
    expect(grant.error).toMatchObject({ code: 'USER_NOT_FOUND' })
    const unknownParty = await api.POST('/v2/users', { body: { user: { id: 'u1', primaryParty: 'nobody::1220ab' }, rights: rightsOf('nobody::1220ab') } })
    expect(unknownParty.response.status).toBe(422)
    expect(unknownParty.error).toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('on a fresh sandbox: allocates the party, then creates the user with it as primary party and CanActAs/CanReadAs', async () => {
    const fake = await start()
    const ledger = make(fake)
    const party = await ledger.party()
    expect(fake.requests).toEqual(['GET /v2/parties', 'POST /v2/parties', 'POST /v2/users'])
    expect(fake.engine.users.get('p2engine')).toMatchObject({ id: 'p2engine', primaryParty: party, isDeactivated: false })
    expect(fake.engine.users.rights('p2engine')).toEqual(rightsOf(party))
    expect(ledger.ensuredUser).toEqual({ userId: 'p2engine', created: true, granted: 2 })
    expect(await ledger.createWallet({ agent: 'alpha', initialBalance: '10' })).toMatchObject({ created: true })
  })

  it('when the user already exists (USER_ALREADY_EXISTS): grants the missing rights and keeps its primary party', async () => {
    const fake = await start()
    const other = fake.engine.allocateParty('someone_else')
    fake.engine.users.create({ user: { id: 'p2engine', primaryParty: other }, rights: [] })
    const ledger = make(fake)
    const party = await ledger.party()
    expect(ledger.ensuredUser).toEqual({ userId: 'p2engine', created: false, granted: 2 })
    expect(fake.engine.users.get('p2engine').primaryParty).toBe(other)
    expect(fake.engine.users.rights('p2engine')).toEqual(rightsOf(party))
    expect(ledger.recentErrors.list()).toEqual([expect.objectContaining({ method: 'POST', path: '/v2/users', status: 409, code: 'USER_ALREADY_EXISTS' })])

    const again = make(fake)
    expect(await again.party()).toBe(party)
    expect(again.ensuredUser).toEqual({ userId: 'p2engine', created: false, granted: 0 })
  })

  it('with a non-admin user token: allocates the party for itself, checks its rights, and submits as that user', async () => {
    const fake = await start({ token: 'alice-token', tokenUser: 'alice' })
    fake.engine.users.create({ user: { id: 'alice' }, rights: [] }) // made by the participant's admin
    const ledger = make(fake, { auth: { kind: 'token', token: 'alice-token' }, userId: 'alice' })
    const party = await ledger.party()
    expect(fake.engine.users.rights('alice')).toEqual([{ kind: { CanActAs: { value: { party } } } }])
    expect(ledger.ensuredUser).toEqual({ userId: 'alice', created: false, granted: 0 })
    expect(await ledger.createWallet({ agent: 'alpha', initialBalance: '3' })).toMatchObject({ created: true })
  })

  it('with a non-admin user token lacking rights on an existing party: says who must grant what', async () => {
    const fake = await start({ token: 'bob-token', tokenUser: 'bob' })
    const party = fake.engine.allocateParty('p2engine_default')
    fake.engine.users.create({ user: { id: 'bob' }, rights: [] })
    const ledger = make(fake, { auth: { kind: 'token', token: 'bob-token' }, userId: 'bob' })
    await expect(ledger.party()).rejects.toMatchObject({
      code: 'LEDGER_USER_RIGHTS', message: expect.stringContaining(`ask the participant's admin to grant CanActAs and CanReadAs on ${party} to "bob"`),
    })
  })

  it('refuses an invalid CANTON_USER_ID before any call, naming it', async () => {
    const fake = await start()
    expect(() => make(fake, { userId: 'has space' })).toThrow(/CANTON_USER_ID "has space" is not a valid Ledger API user id/)
    expect(fake.requests).toEqual([])
  })
})

describe('other hidden assumptions, checked against the fake', () => {
  it('a participant without the model: names the missing package and what to do; uploading the DAR fixes it', async () => {
    const fake = await start({ darPreloaded: false })
    await expect(make(fake).createWallet({ agent: 'alpha', initialBalance: '1' })).rejects.toMatchObject({
      code: 'PACKAGE_NAMES_NOT_FOUND', message: expect.stringContaining('build it with `sh daml/build.sh` and set P2ENGINE_DAR'),
    })
    const withDar = make(fake, { darPath: new URL('./spec/README.md', import.meta.url).pathname })
    expect(await withDar.createWallet({ agent: 'alpha', initialBalance: '1' })).toMatchObject({ created: true })
  })

  it('reads every update when the server caps the page size below ours', async () => {
    const fake = await start({ updatesPageCap: 2 })
    const writer = make(fake)
    for (const agent of ['a1', 'a2', 'a3', 'a4', 'a5']) await writer.createWallet({ agent, initialBalance: '1' })
    const reader = make(fake)
    expect((await reader.events({ limit: 10 })).map((e) => e.details.agent).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5'])
    expect(fake.requests.filter((r) => r === 'POST /v2/updates').length).toBeGreaterThanOrEqual(3)
  })

  it('an answer over http-list-max-elements-limit (413) becomes a named error', async () => {
    const fake = await start({ maxListElements: 1 })
    const ledger = make(fake)
    await ledger.createWallet({ agent: 'alpha', initialBalance: '1' })
    await ledger.createWallet({ agent: 'beta', initialBalance: '1' }).catch(() => undefined)
    await expect(ledger.listWallets()).rejects.toMatchObject({ code: 'LEDGER_LIST_LIMIT', message: expect.stringContaining('http-list-max-elements-limit') })
  })

  it('keeps a ring of the recent ledger errors', async () => {
    const fake = await start()
    const ledger = make(fake)
    await ledger.party()
    fake.inject({ path: '/v2/state/ledger-end', when: 'before', status: 403, error: cantonError('PERMISSION_DENIED', 'no rights', 7, 7) })
    await ledger.listWallets().catch(() => undefined)
    expect(ledger.recentErrors.list().at(-1)).toMatchObject({ method: 'GET', path: '/v2/state/ledger-end', status: 403, code: 'PERMISSION_DENIED', message: 'no rights' })
  })
})

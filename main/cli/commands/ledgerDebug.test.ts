import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CantonLedger } from '../../ledger/canton/cantonLedger'
import { cantonError, FakeLedgerApi } from '../../ledger/canton/testing/fakeLedgerApi'
import { runnerFor } from './cliTestKit'

const fakes: FakeLedgerApi[] = []
afterEach(async () => { for (const f of fakes.splice(0)) await f.stop() })

const cli = (env: NodeJS.ProcessEnv) => (...argv: string[]) => runnerFor(env)(argv)

describe('p2engine ledger debug', () => {
  it('embedded: database, revision, wallets, last command, latency', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-debug-'))
    const run = cli({ PATH: process.env.PATH, P2ENGINE_HOME: home })
    expect((await run('ledger', 'init', '--json')).code).toBe(0)
    const r = await run('ledger', 'debug', '--json')
    expect(r.code).toBe(0)
    const d = JSON.parse(r.out)
    expect(d).toMatchObject({ backend: 'embedded', database: join(home, 'p2engine.db'), revision: expect.any(Number), walletCount: expect.any(Number), lastCommand: { commandId: expect.stringMatching(/^init:/), type: 'wallet_created' } })
    expect(d.walletCount).toBeGreaterThan(0)
    expect(d.latencyMs.listWallets).toBeGreaterThanOrEqual(0)
    const text = await run('ledger', 'debug')
    expect(text.out).toContain('Ledger Debug Information')
    expect(text.out).toContain('Schema revision')
  })

  it('canton: endpoints, party, user and rights, package id, wallets, latency, and the errors it met', async () => {
    const fake = await new FakeLedgerApi().start()
    fakes.push(fake)
    const home = mkdtempSync(join(tmpdir(), 'p2e-debug-canton-'))
    const run = cli({ PATH: process.env.PATH, P2ENGINE_HOME: home, LEDGER_BACKEND: 'canton', LEDGER_API_URL: fake.url })
    await new CantonLedger({ baseUrl: fake.url, party: 'p2engine::default' }).createWallet({ agent: 'alpha', initialBalance: '5' })
    const r = await run('ledger', 'debug', '--json')
    expect(r, r.out + r.err).toMatchObject({ code: 0 })
    const d = JSON.parse(r.out)
    const party = fake.engine.parties()[0]!
    expect(d).toMatchObject({
      backend: 'canton', jsonApiUrl: fake.url, version: '3.6.0-fake', party, ledgerEnd: expect.any(Number), sandbox: null,
      user: { id: 'p2engine', exists: true, primaryParty: party, deactivated: false, rights: [`CanActAs ${party}`, `CanReadAs ${party}`] },
      packageId: expect.stringMatching(/^[0-9a-f]{64}$/), packageCount: 2, walletCount: 1,
    })
    expect(d.latencyMs.version).toBeGreaterThan(0)
    expect(d.checks.every((c: { ok: boolean }) => c.ok)).toBe(true)
    expect(fake.violations).toEqual([])
  })

  it('canton: a failing participant is reported check by check with the errors, and the exit is non-zero', async () => {
    const fake = await new FakeLedgerApi().start()
    fakes.push(fake)
    const home = mkdtempSync(join(tmpdir(), 'p2e-debug-canton-'))
    const run = cli({ PATH: process.env.PATH, P2ENGINE_HOME: home, LEDGER_BACKEND: 'canton', LEDGER_API_URL: fake.url })
    fake.inject({ path: '/v2/users/{user-id}/rights', when: 'before', status: 403, error: cantonError('PERMISSION_DENIED', 'The user is not an admin', 7, 7) })
    const r = await run('ledger', 'debug')
    expect(r.code).toBe(4)
    expect(r.out).toContain('Canton Debug Information')
    expect(r.out).toMatch(/GET \/v2\/users\/p2engine\/rights.*failed/)
    expect(r.out).toContain('Recent ledger errors')
    expect(r.out).toContain('PERMISSION_DENIED')
  })

  it('canton: an unreachable JSON API is reported without retries, and the exit is non-zero', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-debug-canton-'))
    const down = await new FakeLedgerApi().start()
    const url = down.url
    await down.stop()
    const off = await cli({ PATH: process.env.PATH, P2ENGINE_HOME: home, LEDGER_BACKEND: 'canton', LEDGER_API_URL: url })('ledger', 'debug', '--json')
    expect(off.code).toBe(4)
    const d = JSON.parse(off.out)
    expect(d).toMatchObject({ version: null, party: null, latencyMs: { version: null } })
    expect(d.recentErrors[0]).toMatchObject({ status: 0, path: '/v2/version' })
  })
})

import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { authHeaderProvider, mintHs256Jwt } from './auth'
import { CantonLedger } from './cantonLedger'
import { cantonError } from './testing/fakeLedgerApi'
import { clientOf, useFakeLedgers } from './testing/fakeLedgers'

const startFake = useFakeLedgers()
const start = (token?: string) => startFake({ token })
const make = clientOf

const seed = async (ledger: CantonLedger) => {
  await ledger.createWallet({ agent: 'alpha', initialBalance: '100' })
  await ledger.createWallet({ agent: 'beta', initialBalance: '100' })
}

describe('CantonLedger on the fake JSON Ledger API', () => {
  it('allocates the party once and reuses it from another client', async () => {
    const fake = await start()
    const a = await make(fake).party()
    const b = await make(fake).party()
    expect(a).toBe(b)
    expect(a).toMatch(/^p2engine_default::1220/)
    expect(fake.engine.parties()).toEqual([a])
  })

  it('uploads the DAR once when one is configured', async () => {
    const fake = await start()
    const ledger = make(fake, { darPath: new URL('./spec/README.md', import.meta.url).pathname })
    await ledger.listWallets()
    await ledger.listWallets()
    expect(fake.engine.darUploads).toBe(1)
  })

  it('retries transient failures with the same command id', async () => {
    const fake = await start()
    const ledger = make(fake)
    await seed(ledger)
    const unavailable = cantonError('SERVICE_NOT_RUNNING', 'Ledger API server is shutting down', 1, 14)
    fake.inject({ path: '/v2/commands/submit-and-wait-for-transaction', when: 'before', status: 503, error: unavailable, times: 2 })
    const r = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '1', commandId: 'c-1' })
    expect(r).toMatchObject({ commandId: 'c-1', fromBalance: '99.0', deduplicated: false })
    expect(fake.engine.transactions.map((t) => t.tx.commandId)).toEqual([expect.any(String), expect.any(String), 'c-1'])
  })

  it('treats DUPLICATE_COMMAND after a lost reply as success and returns the first result', async () => {
    const fake = await start()
    const ledger = make(fake)
    await seed(ledger)
    const timeout = cantonError('REQUEST_TIME_OUT', 'request timed out; state unknown', 3, 4)
    fake.inject({ path: '/v2/commands/submit-and-wait-for-transaction', when: 'after', status: 504, error: timeout })
    const r = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '30', commandId: 'c-lost' })
    const tx = fake.engine.transactions.at(-1)!.tx
    expect(r).toEqual({
      transactionId: tx.updateId, commandId: 'c-lost', recordId: expect.any(String), fromBalance: '70.0', toBalance: '130.0', deduplicated: true,
      original: { from: 'alpha', to: 'beta', amount: '30.0', reason: 'Transfer from alpha to beta', committedAt: expect.any(String) },
    })
    expect(fake.engine.transactions).toHaveLength(3)
  })

  it('re-reads the wallets when a concurrent transfer archived them (contention)', async () => {
    const fake = await start()
    const one = make(fake)
    const two = make(fake)
    await seed(one)
    await Promise.all([
      one.transfer({ from: 'alpha', to: 'beta', amount: '10' }),
      two.transfer({ from: 'beta', to: 'alpha', amount: '5' }),
    ])
    expect((await one.listWallets()).map((w) => w.balance)).toEqual(['95.0', '105.0'])
    expect((await one.audit()).ok).toBe(true)
  })

  it('turns other ledger errors into one LedgerError naming the operation and the reason', async () => {
    const fake = await start()
    const ledger = make(fake)
    await seed(ledger)
    await expect(ledger.transfer({ from: 'alpha', to: 'beta', amount: '500' })).rejects.toMatchObject({
      name: 'LedgerError', code: 'INSUFFICIENT_BALANCE', message: 'transfer 500.0 from alpha to beta was rejected by the ledger: Insufficient balance',
    })
    fake.inject({ path: '/v2/state/ledger-end', when: 'before', status: 403, error: cantonError('PERMISSION_DENIED', 'no rights', 7, 7) })
    await expect(ledger.listWallets()).rejects.toMatchObject({ name: 'LedgerError', code: 'LEDGER_AUTH' })
  })

  it('reports an unreachable JSON API clearly', async () => {
    const fake = await start()
    const url = fake.url
    await fake.stop()
    const ledger = new CantonLedger({ baseUrl: url, party: 'p', retry: { attempts: 2, delayMs: 1 } })
    await expect(ledger.listWallets()).rejects.toMatchObject({ name: 'LedgerError', code: 'LEDGER_UNREACHABLE', message: expect.stringContaining(`cannot connect to the Canton JSON API at ${url}`) })
    expect(await ledger.status()).toMatchObject({ backend: 'canton', ready: false, party: 'p' })
  })

  it('sends a bearer token, and mints HS256 JWTs for dev setups', async () => {
    const fake = await start('secret-token')
    await expect(make(fake).listWallets()).rejects.toMatchObject({ code: 'LEDGER_AUTH' })
    expect(await make(fake, { auth: { kind: 'token', token: 'secret-token' } }).listWallets()).toEqual([])

    const header = authHeaderProvider({ kind: 'hs256', secret: 'test', userId: 'p2engine', audience: 'https://daml.com/participant' }, () => 1000)()!
    const [h, p, sig] = header.replace('Bearer ', '').split('.')
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toEqual({ sub: 'p2engine', scope: 'daml_ledger_api', iat: 1000, exp: 4600, aud: 'https://daml.com/participant' })
    expect(sig).toBe(createHmac('sha256', 'test').update(`${h}.${p}`).digest('base64url'))
    expect(mintHs256Jwt('k', { a: 1 }).split('.')).toHaveLength(3)
  })

  it('starts over when the in-memory ledger was restarted', async () => {
    const fake = await start()
    const ledger = make(fake)
    await seed(ledger)
    expect(await ledger.listWallets()).toHaveLength(2)
    const fresh = await start()
    const again = make(fresh)
    expect(await again.listWallets()).toEqual([])
  })
})

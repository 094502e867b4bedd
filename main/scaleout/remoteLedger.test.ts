import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { composeLedgerService, composeRemoteLedger } from '../compose/scaleout'
import { LedgerError, UserInputError } from '../engine/errors'
import type { LedgerClient, TransferRequest } from '../engine/ports/ledger'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import type { RemoteLedgerOptions } from './remoteLedger'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

const PROBE = join(import.meta.dirname, 'testing', 'ledgerProbe.ts')
const party = 'p2engine::default'
const secret = 'remote-ledger-test-secret-0123456789'

let dir: string
let store: SqliteStore
let ledger: EmbeddedLedger
let prefixN = 0
let prefix: string
const closers: (() => Promise<void>)[] = []

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-rl-'))
  store = openStore(join(dir, 'coordinator.db'))
  ledger = new EmbeddedLedger(store, { party })
  for (const agent of ['alice', 'bob', 'carol']) await ledger.createWallet({ agent, initialBalance: '100' })
  prefix = `rl${prefixN++}`
})
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!hasRedisServer())('remote ledger over Redis', () => {
  let redis: RedisServer
  beforeAll(async () => { redis = await startRedis({ aof: true }) })
  afterAll(async () => { await redis?.stop() })

  const opts = (extra: Partial<RemoteLedgerOptions> = {}): RemoteLedgerOptions => ({ url: redis.url, secret, appVersion: 't-1', prefix, timeoutMs: 5000, ...extra })
  const serve = async (extra: Partial<RemoteLedgerOptions> = {}, on: LedgerClient = ledger) => {
    const s = await composeLedgerService(on, opts(extra))
    closers.push(() => s.close())
    return s
  }
  const worker = async (extra: Partial<RemoteLedgerOptions> = {}) => {
    const c = await composeRemoteLedger(opts(extra))
    closers.push(() => c.close())
    return c
  }

  it('transfers and reads through the remote client equal the direct ones', async () => {
    await serve()
    const remote = await worker()
    const r = await remote.transfer({ from: 'alice', to: 'bob', amount: '12.5', reason: 'help', commandId: 'tc_abc', conversationId: 'c1' })
    expect(r).toEqual({ transactionId: expect.stringMatching(/^1220/), commandId: 'tc_abc', recordId: expect.stringMatching(/^00/), fromBalance: '87.5', toBalance: '112.5', deduplicated: false })
    const created = await remote.createWallet({ agent: 'dave', initialBalance: '5' })
    expect(created.created).toBe(true)
    expect(await remote.createWallet({ agent: 'dave', initialBalance: '7' })).toEqual({ ...created, created: false, transactionId: null })
    expect(await remote.getWallet('alice')).toEqual(await ledger.getWallet('alice'))
    expect(await remote.getWallet('nobody')).toBeNull()
    expect(await remote.listWallets()).toEqual(await ledger.listWallets())
    expect(await remote.walletVersions('bob')).toEqual(await ledger.walletVersions('bob'))
    expect(await remote.history()).toEqual(await ledger.history())
    expect(await remote.history('bob', 1)).toEqual(await ledger.history('bob', 1))
    expect(await remote.metrics()).toEqual(await ledger.metrics())
    expect(await remote.events()).toEqual(await ledger.events())
    expect(await remote.events({ type: 'transfer_executed' })).toEqual(await ledger.events({ type: 'transfer_executed' }))
    expect(await remote.audit()).toEqual(await ledger.audit())
    expect(await remote.revision!()).toBe(await ledger.revision())
    const status = await remote.status()
    expect([status.backend, status.ready, status.detail]).toEqual(['embedded', true, expect.stringMatching(/coordinator\.db, on the coordinator \(through redis:\/\/127\.0\.0\.1:\d+\)$/)])
  })

  it('the same command id sent twice pays once; a write without one gets its id on the worker', async () => {
    await serve()
    const remote = await worker()
    const req: TransferRequest = { from: 'alice', to: 'bob', amount: '10', commandId: 'tc_0123' }
    const first = await remote.transfer(req)
    const again = await remote.transfer(req)
    expect(again).toEqual({ ...first, deduplicated: true, original: { from: 'alice', to: 'bob', amount: '10.0', reason: 'Transfer from alice to bob', committedAt: expect.any(String) } })
    const plain = await remote.transfer({ from: 'bob', to: 'carol', amount: '1' })
    expect(plain.commandId).toMatch(/^cmd-[0-9a-f]+$/)
    expect([(await ledger.getWallet('alice'))!.balance, (await ledger.history()).length]).toEqual(['90.0', 2])
  })

  it('errors keep their class, code and message (insufficient balance, bad input, reused command id)', async () => {
    await serve()
    const remote = await worker()
    const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: Error & { code?: string }) => e)
    const direct = await errorOf(ledger.transfer({ from: 'alice', to: 'bob', amount: '500' }))
    const viaRedis = await errorOf(remote.transfer({ from: 'alice', to: 'bob', amount: '500' }))
    expect(viaRedis).toBeInstanceOf(LedgerError)
    expect([viaRedis!.name, viaRedis!.code, viaRedis!.message]).toEqual([direct!.name, 'INSUFFICIENT_BALANCE', direct!.message])
    const bad = await errorOf(remote.transfer({ from: 'alice', to: 'alice', amount: '1' }))
    expect(bad).toBeInstanceOf(UserInputError)
    expect([bad!.code, bad!.message]).toEqual(['SELF_TRANSFER', 'cannot transfer from alice to itself'])
    await remote.transfer({ from: 'alice', to: 'bob', amount: '1', commandId: 'tc_x' })
    const reused = await errorOf(remote.transfer({ from: 'alice', to: 'carol', amount: '1', commandId: 'tc_x' }))
    expect([reused instanceof LedgerError, reused!.name, reused!.code]).toEqual([true, 'CommandIdReusedError', 'COMMAND_ID_REUSED'])
    expect((reused as unknown as { first: { to: string } }).first.to).toBe('bob')
  })

  it('a call whose answer is lost (coordinator stopped mid-call, then restarted) pays once', async () => {
    let committed!: () => void
    const reached = new Promise<void>((r) => { committed = r })
    let hold = true
    // The coordinator's ledger commits, then the coordinator stops before it can answer.
    const slow: LedgerClient = Object.assign(Object.create(ledger) as LedgerClient, {
      transfer: async (req: TransferRequest) => {
        const r = await ledger.transfer(req)
        if (hold) { committed(); await new Promise(() => undefined) }
        return r
      },
    })
    const first = await composeLedgerService(slow, opts())
    const remote = await worker({ resendMs: 150 })
    const paid = remote.transfer({ from: 'alice', to: 'bob', amount: '3', commandId: 'tc_lost' })
    await reached
    await first.close()
    hold = false
    await serve()
    expect(await paid).toMatchObject({ commandId: 'tc_lost', fromBalance: '97.0', deduplicated: true })
    expect([(await ledger.getWallet('alice'))!.balance, (await ledger.history()).length, (await ledger.audit()).ok]).toEqual(['97.0', 1, true])
  })

  it('a Redis restart mid-run: calls resume and every transfer lands once', async () => {
    await serve()
    const remote = await worker({ resendMs: 300, timeoutMs: 8000 })
    const pays = Array.from({ length: 40 }, (_, i) => async () => {
      await new Promise((r) => setTimeout(r, i * 10))
      return remote.transfer({ from: 'alice', to: 'bob', amount: '1', commandId: `tc_r${i}` })
    })
    const all = Promise.all(pays.map((p) => p()))
    await new Promise((r) => setTimeout(r, 150))
    await redis.restart()
    const results = await all
    expect(new Set(results.map((r) => r.commandId)).size).toBe(40)
    expect([(await ledger.getWallet('alice'))!.balance, (await ledger.history()).length, (await ledger.audit()).ok]).toEqual(['60.0', 40, true])
  }, 15_000)

  it('refuses an unsigned request and a wrongly signed one, each with one line; the caller fails at once', async () => {
    const refused: string[] = []
    await serve({ onRefused: (l) => refused.push(l) })
    const raw = new Redis(redis.url)
    closers.push(async () => { raw.disconnect() })
    await raw.lpush(`${prefix}:ledger:requests`, JSON.stringify({ v: 1, id: 'x.1', client: 'x', method: 'transfer', args: [{ from: 'alice', to: 'bob', amount: '50' }] }))
    const stranger = await worker({ secret: 'another-secret-of-enough-length' })
    const t0 = Date.now()
    const err = await stranger.transfer({ from: 'alice', to: 'bob', amount: '50' }).then(() => null, (e: LedgerError) => e)
    expect(Date.now() - t0).toBeLessThan(1500)
    expect([err?.code, err?.message]).toEqual(['LEDGER_REFUSED', expect.stringMatching(/^ledger request \S+ refused: bad signature; the coordinator and this worker must share the same secret \(redis\.secret \/ P2ENGINE_JOB_SECRET\)$/)])
    expect(refused).toEqual([
      'ledger request refused: it is not signed (expected {envelope, sig}); only workers with the shared secret (redis.secret / P2ENGINE_JOB_SECRET) may call the coordinator\'s ledger',
      err!.message,
    ])
    const older = await worker({ appVersion: 't-0' })
    const stale = await older.getWallet('alice').then(() => null, (e: LedgerError) => e)
    expect([stale?.code, stale?.message]).toEqual(['LEDGER_REFUSED', expect.stringMatching(/refused: it comes from P2Engine t-0 and the coordinator runs t-1; run workers with the coordinator's version$/)])
    expect((await ledger.getWallet('alice'))!.balance).toBe('100.0')
    await expect(composeRemoteLedger(opts({ secret: '' }))).rejects.toThrow(/^the remote ledger needs the shared job secret: set P2ENGINE_JOB_SECRET or redis.secret/)
  })

  it('a Redis restart that loses everything (no AOF): pending calls are sent again and land once', async () => {
    const volatile = await startRedis()
    closers.push(() => volatile.stop())
    await serve({ url: volatile.url })
    const remote = await worker({ url: volatile.url, resendMs: 300, timeoutMs: 8000 })
    const calls = Array.from({ length: 20 }, (_, i) => new Promise((r) => setTimeout(r, i * 15)).then(() => remote.transfer({ from: 'alice', to: 'carol', amount: '2', commandId: `tc_v${i}` })))
    await new Promise((r) => setTimeout(r, 100))
    await volatile.restart()
    expect((await Promise.all(calls)).length).toBe(20)
    expect([(await ledger.getWallet('alice'))!.balance, (await ledger.history()).length, (await ledger.audit()).ok]).toEqual(['60.0', 20, true])
  }, 15_000)

  it('a worker in a child process pays into this process\'s ledger exactly once per command id', async () => {
    await serve({ appVersion: 'probe-1' })
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, redis.url, prefix, '8'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, P2ENGINE_JOB_SECRET: secret } })
    let out = ''
    child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
    const code = await new Promise<number | null>((r) => child.once('exit', r))
    expect(code).toBe(0)
    const got = JSON.parse(out) as { results: boolean[][]; overdraft: unknown; balance: string }
    expect(got).toEqual({ results: Array.from({ length: 8 }, () => [false, true, true]), overdraft: { name: 'LedgerError', code: 'INSUFFICIENT_BALANCE' }, balance: '88.0' })
    expect([(await ledger.getWallet('bob'))!.balance, (await ledger.history()).length, (await ledger.audit()).ok]).toEqual(['112.0', 8, true])
  }, 15_000)
})

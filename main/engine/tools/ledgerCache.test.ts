import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { openStore, type SqliteStore } from '../../storage/sqliteStore'
import { SqliteToolCache } from '../../storage/runtime/sqliteRuntimeStores'
import type { LedgerClient } from '../ports/ledger'
import { builtinRegistry } from './builtins'
import { MemoryToolCache } from './cache'
import { invokeTool, type InvokeContext } from './invoke'

const reg = builtinRegistry()
const base = { agentId: 'agent_alpha', conversationId: 'c1', branchId: 'main' }

let store: SqliteStore
let ledger: EmbeddedLedger
beforeEach(async () => {
  store = openStore(':memory:')
  ledger = new EmbeddedLedger(store, { party: 'p2engine' })
  await ledger.createWallet({ agent: 'agent_alpha', initialBalance: '100.0' })
  await ledger.createWallet({ agent: 'agent_beta', initialBalance: '100.0' })
})
afterEach(() => store.close())

const balance = async (c: InvokeContext) => {
  const o = await invokeTool(reg, 'check_balance', {}, { ...c, idempotencyKey: 'read' })
  if (o.status !== 'ok') throw new Error(JSON.stringify(o))
  return { formatted: (o.result as { formatted: string }).formatted, cached: o.cached }
}

describe('ledger reads are never older than the last committed write', () => {
  it('check balance → transfer 25 → check balance in one conversation shows 75.00, not the cached 100.00', async () => {
    const c: InvokeContext = { ...base, idempotencyKey: '', ledger, cache: new MemoryToolCache(() => 0) }
    expect(await balance(c)).toEqual({ formatted: '100.00', cached: false })
    expect(await balance(c)).toEqual({ formatted: '100.00', cached: true })
    const paid = await invokeTool(reg, 'transfer_funds', { to_agent: 'agent_beta', amount: 25 }, { ...c, idempotencyKey: 'tc_1' })
    expect(paid).toMatchObject({ status: 'ok', result: { new_balance: '75.0' } })
    expect(await balance(c)).toEqual({ formatted: '75.00', cached: false })
    expect(await balance(c)).toEqual({ formatted: '75.00', cached: true })
  })

  it('a transfer committed by another connection (another process) invalidates the shared SQLite cache', async () => {
    const cache = new SqliteToolCache(store, () => 0)
    const c: InvokeContext = { ...base, idempotencyKey: '', ledger, cache }
    expect(await balance(c)).toEqual({ formatted: '100.00', cached: false })
    const other = new EmbeddedLedger(store, { party: 'p2engine' })
    other.transferSync({ from: 'agent_alpha', to: 'agent_beta', amount: '40', commandId: 'elsewhere' })
    expect(await balance(c)).toEqual({ formatted: '60.00', cached: false })
  })

  it('transaction_history sees a new transfer at once', async () => {
    const c: InvokeContext = { ...base, idempotencyKey: 'h', ledger, cache: new MemoryToolCache(() => 0) }
    const count = async () => {
      const o = await invokeTool(reg, 'transaction_history', {}, c)
      return o.status === 'ok' ? (o.result as { count: number }).count : -1
    }
    expect(await count()).toBe(0)
    ledger.transferSync({ from: 'agent_beta', to: 'agent_alpha', amount: '5', commandId: 'x' })
    expect(await count()).toBe(1)
  })

  it('a ledger without a revision gets no cached reads', async () => {
    const plain: LedgerClient = {
      backend: 'embedded', status: () => ledger.status(), createWallet: (r) => ledger.createWallet(r), getWallet: (a) => ledger.getWallet(a),
      listWallets: () => ledger.listWallets(), walletVersions: (a) => ledger.walletVersions(a), transfer: (r) => ledger.transfer(r),
      history: (a, l) => ledger.history(a, l), metrics: () => ledger.metrics(), events: (q) => ledger.events(q), audit: () => ledger.audit(), close: async () => {},
    }
    const cache = new MemoryToolCache(() => 0)
    const c: InvokeContext = { ...base, idempotencyKey: '', ledger: plain, cache }
    expect(await balance(c)).toEqual({ formatted: '100.00', cached: false })
    expect(await balance(c)).toEqual({ formatted: '100.00', cached: false })
    expect(cache.size).toBe(0)
  })
})

describe('LEDGER_ENABLED=false', () => {
  it('leaves the wallet tools out of the registry and refuses a call to one with the reason', async () => {
    const off = builtinRegistry([], { ledger: false })
    expect(off.names()).toEqual(['delegate', 'get_league_leader', 'get_weather'])
    const c: InvokeContext = { ...base, idempotencyKey: 'k', ledger }
    expect(await invokeTool(off, 'transfer_funds', { to_agent: 'agent_beta', amount: 5 }, c)).toEqual({
      status: 'error',
      error: { code: 'TOOL_DISABLED', message: 'transfer_funds: the ledger is disabled in this setup (LEDGER_ENABLED=false): wallet tools are turned off and no money moves' },
    })
    expect((await ledger.getWallet('agent_alpha'))?.balance).toBe('100.0')
  })
})

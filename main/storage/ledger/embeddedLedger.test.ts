import { beforeEach, describe, expect, it } from 'vitest'
import { LedgerError, UserInputError } from '../../engine/errors'
import { openStore, type SqliteStore } from '../sqliteStore'
import { EmbeddedLedger } from './embeddedLedger'

const party = 'p2engine::default'
let store: SqliteStore
let ledger: EmbeddedLedger

beforeEach(async () => {
  store = openStore(':memory:')
  ledger = new EmbeddedLedger(store, { party, now: () => 1_700_000_000 })
  for (const agent of ['alice', 'bob', 'carol']) await ledger.createWallet({ agent, initialBalance: '100' })
})

/** Everything that must stay untouched by a rejected command. */
const snapshot = () => ({
  tx: store.db.prepare('SELECT count(*) n FROM ledger_transactions').get(),
  wallets: store.db.prepare('SELECT * FROM ledger_wallets ORDER BY contract_id').all(),
  records: store.db.prepare('SELECT count(*) n FROM ledger_transfer_records').get(),
  metrics: store.db.prepare('SELECT * FROM ledger_metrics ORDER BY contract_id').all(),
})

describe('EmbeddedLedger', () => {
  it('Transfer archives both wallets, creates new versions and a TransferRecord', async () => {
    const before = await ledger.getWallet('alice')
    const r = await ledger.transfer({ from: 'alice', to: 'bob', amount: '25.5', reason: 'help', commandId: 'c1' })
    expect(r).toEqual({
      transactionId: expect.stringMatching(/^1220[0-9a-f]+$/), commandId: 'c1', recordId: expect.stringMatching(/^00/),
      fromBalance: '74.5', toBalance: '125.5', deduplicated: false,
    })
    const versions = await ledger.walletVersions('alice')
    expect(versions.map((v) => [v.balance, v.archivedTx])).toEqual([['100.0', r.transactionId], ['74.5', null]])
    expect(versions[0]!.contractId).toBe(before!.contractId)
    expect(versions[1]!.contractId).not.toBe(before!.contractId)
    expect(await ledger.history('bob')).toEqual([{
      contractId: r.recordId, party, fromAgent: 'alice', toAgent: 'bob', amount: '25.5', reason: 'help',
      timestamp: 1_700_000_000, transactionId: r.transactionId,
    }])
    expect(await ledger.metrics()).toMatchObject({ walletCount: 3, totalBalance: '300.0', transactionCount: 1, totalVolume: '25.5', mintedTotal: '300.0' })
    expect((await ledger.audit()).ok).toBe(true)
  })

  it('gives every transaction a non-empty unique id', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 50; i++) ids.add((await ledger.transfer({ from: 'alice', to: 'bob', amount: '1' })).transactionId)
    expect(ids.size).toBe(50)
    expect([...ids].every((id) => id.length > 4)).toBe(true)
  })

  it('returns the first result for a resubmitted command id without a second effect', async () => {
    const first = await ledger.transfer({ from: 'alice', to: 'bob', amount: '10', commandId: 'pay-1' })
    const again = await ledger.transfer({ from: 'alice', to: 'bob', amount: '10', commandId: 'pay-1' })
    expect(again).toEqual({ ...first, deduplicated: true, original: { from: 'alice', to: 'bob', amount: '10.0', reason: 'Transfer from alice to bob', committedAt: expect.any(String) } })
    expect((await ledger.getWallet('alice'))!.balance).toBe('90.0')
    expect(await ledger.history()).toHaveLength(1)
    await expect(ledger.createWallet({ agent: 'dave', initialBalance: '5', commandId: 'pay-1' })).rejects.toThrow(/already used for a transfer/)
  })

  it('rejects bad transfers and changes nothing', async () => {
    await ledger.transfer({ from: 'alice', to: 'bob', amount: '1' })
    const before = snapshot()
    const cases: [Record<string, unknown>, RegExp, typeof UserInputError | typeof LedgerError][] = [
      [{ amount: '0' }, /must be positive/, UserInputError],
      [{ amount: '-5' }, /must be positive/, UserInputError],
      [{ amount: 'NaN' }, /must be a decimal number/, UserInputError],
      [{ amount: '1.00000000001' }, /at most 10/, UserInputError],
      [{ to: 'alice' }, /to itself/, UserInputError],
      [{ to: 'ghost' }, /no wallet for agent "ghost"/, LedgerError],
      [{ from: 'ghost' }, /no wallet for agent "ghost"/, LedgerError],
      [{ amount: '99.0000000001' }, /Insufficient balance/, LedgerError],
      [{ from: 'bad id!' }, /sender "bad id!" is not valid/, UserInputError],
    ]
    for (const [patch, message, cls] of cases) {
      const p = ledger.transfer({ from: 'alice', to: 'bob', amount: '1', ...patch } as never)
      await expect(p).rejects.toThrow(message)
      await expect(p).rejects.toBeInstanceOf(cls)
    }
    expect(snapshot()).toEqual(before)
    expect(await ledger.getWallet('ghost')).toBeNull()
  })

  it('reports an existing wallet as existing and never re-funds it', async () => {
    await ledger.transfer({ from: 'alice', to: 'bob', amount: '40' })
    const r = await ledger.createWallet({ agent: 'alice', initialBalance: '100' })
    expect(r).toMatchObject({ created: false, transactionId: null, wallet: { agent: 'alice', balance: '60.0' } })
    expect((await ledger.metrics()).totalBalance).toBe('300.0')
  })

  it('lets a wallet drain to exactly zero and no further', async () => {
    await ledger.transfer({ from: 'alice', to: 'bob', amount: '100' })
    expect((await ledger.getWallet('alice'))!.balance).toBe('0.0')
    await expect(ledger.transfer({ from: 'alice', to: 'bob', amount: '0.0000000001' })).rejects.toThrow(/Insufficient/)
  })

  it('filters the audit trail by type, agent, time and limit', async () => {
    await ledger.transfer({ from: 'alice', to: 'bob', amount: '1', reason: 'a' })
    await ledger.transfer({ from: 'bob', to: 'carol', amount: '2', reason: 'b' })
    expect((await ledger.events({ type: 'transfer_executed' })).map((e) => e.details.reason)).toEqual(['b', 'a'])
    expect((await ledger.events({ agent: 'carol' })).map((e) => e.type)).toEqual(['transfer_executed', 'wallet_created'])
    expect(await ledger.events({ limit: 1 })).toHaveLength(1)
    expect(await ledger.events({ sinceIso: '2999-01-01T00:00:00Z' })).toEqual([])
  })

  it('audit detects tampering: supply, record/wallet mismatch and metrics', async () => {
    const r = await ledger.transfer({ from: 'alice', to: 'bob', amount: '10' })
    store.db.prepare("UPDATE ledger_wallets SET balance = '95.0' WHERE agent = 'alice' AND archived_tx IS NULL").run()
    store.db.prepare("UPDATE ledger_metrics SET transaction_count = 7 WHERE archived_tx IS NULL").run()
    const report = await ledger.audit()
    expect(report.ok).toBe(false)
    expect(report.violations).toEqual([
      'total supply 305.0 differs from the minted total 300.0',
      `transfer ${r.recordId} (${r.transactionId}): alice's balance went 100.0 → 95.0, expected 90.0`,
      'SystemMetrics counts 7 transactions, the ledger holds 1 transfer records',
    ])
  })

  it('group-commits transfers of one tick; a rejected one rolls back alone', async () => {
    const results = await Promise.allSettled([
      ledger.transfer({ from: 'alice', to: 'bob', amount: '60' }),
      ledger.transfer({ from: 'alice', to: 'carol', amount: '60' }), // overdraft after the first
      ledger.transfer({ from: 'bob', to: 'carol', amount: '10' }),
      ledger.transfer({ from: 'carol', to: 'alice', amount: '5', commandId: 'same' }),
      ledger.transfer({ from: 'carol', to: 'alice', amount: '5', commandId: 'same' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LedgerError)
    expect((results[4] as PromiseFulfilledResult<{ deduplicated: boolean }>).value.deduplicated).toBe(true)
    const balances = Object.fromEntries((await ledger.listWallets()).map((w) => [w.agent, w.balance]))
    expect(balances).toEqual({ alice: '45.0', bob: '150.0', carol: '105.0' })
    expect((await ledger.audit()).ok).toBe(true)
  })
})

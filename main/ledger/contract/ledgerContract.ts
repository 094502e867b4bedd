import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LedgerClient } from '../../engine/ports/ledger'

/** A ledger under test plus how to dispose of it. */
export interface LedgerUnderTest {
  ledger: LedgerClient
  /** Extra checks after each test (e.g. the fake server saw no OpenAPI violation). */
  verify?: () => void
  close(): Promise<void>
}

/** Builds a fresh, empty ledger whose clock is pinned to `now`. */
export type MakeLedger = (now: () => number) => Promise<LedgerUnderTest>

const NOW = 1_767_225_600 // 2026-01-01T00:00:00Z

/**
 * The one behaviour every LedgerClient backend must show, run against each backend: the
 * embedded ledger, Canton through the fake JSON API, and (opt-in) a real Canton sandbox.
 */
export function describeLedgerContract(name: string, makeLedger: MakeLedger): void {
  describe(`ledger contract: ${name}`, () => {
    let t: LedgerUnderTest
    let ledger: LedgerClient
    let party: string

    beforeEach(async () => {
      t = await makeLedger(() => NOW)
      ledger = t.ledger
      party = (await ledger.status()).party
    })
    afterEach(async () => {
      t.verify?.()
      await t.close()
    })

    const seed = async () => {
      await ledger.createWallet({ agent: 'alpha', initialBalance: '100', commandId: 'init:alpha' })
      await ledger.createWallet({ agent: 'beta', initialBalance: '100.0', commandId: 'init:beta' })
    }

    it('reports itself ready with the party it signs with', async () => {
      expect(await ledger.status()).toMatchObject({ backend: ledger.backend, party, ready: true })
      expect(party).toMatch(/\S/)
    })

    it('creates wallets and finds them by agent', async () => {
      const r = await ledger.createWallet({ agent: 'alpha', initialBalance: '100', commandId: 'init:alpha' })
      expect(r).toEqual({
        created: true,
        transactionId: expect.any(String),
        wallet: { contractId: expect.any(String), party, agent: 'alpha', balance: '100.0', created: NOW, createdTx: r.transactionId, archivedTx: null },
      })
      await ledger.createWallet({ agent: 'beta', initialBalance: '0.5' })
      expect(await ledger.getWallet('alpha')).toEqual(r.wallet)
      expect(await ledger.getWallet('nobody')).toBeNull()
      expect((await ledger.listWallets()).map((w) => [w.agent, w.balance])).toEqual([['alpha', '100.0'], ['beta', '0.5']])
    })

    it('init is idempotent: an existing wallet is returned, not re-funded', async () => {
      const first = await ledger.createWallet({ agent: 'alpha', initialBalance: '100', commandId: 'init:alpha' })
      const other = await ledger.createWallet({ agent: 'alpha', initialBalance: '500', commandId: 'init:alpha:again' })
      expect(other).toEqual({ created: false, transactionId: null, wallet: first.wallet })
      const same = await ledger.createWallet({ agent: 'alpha', initialBalance: '100', commandId: 'init:alpha' })
      expect(same).toEqual({ created: false, transactionId: first.transactionId, wallet: first.wallet })
      expect(await ledger.metrics()).toMatchObject({ walletCount: 1, totalBalance: '100.0', mintedTotal: '100.0' })
    })

    it('transfers: both wallets get new versions and a TransferRecord is made', async () => {
      await seed()
      const alphaBefore = (await ledger.getWallet('alpha'))!
      const r = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '25.5', reason: 'pay', commandId: 'pay-1', conversationId: 'conv-1' })
      expect(r).toEqual({ transactionId: expect.any(String), commandId: 'pay-1', recordId: expect.any(String), fromBalance: '74.5', toBalance: '125.5', deduplicated: false })
      expect((await ledger.getWallet('alpha'))!.balance).toBe('74.5')
      expect((await ledger.getWallet('beta'))!.balance).toBe('125.5')
      const versions = await ledger.walletVersions('alpha')
      expect(versions.map((v) => [v.balance, v.archivedTx, v.created])).toEqual([['100.0', r.transactionId, NOW], ['74.5', null, NOW]])
      expect(versions[0]!.contractId).toBe(alphaBefore.contractId)
      expect(versions[1]!.createdTx).toBe(r.transactionId)
      expect(await ledger.history('alpha')).toEqual([
        { contractId: r.recordId, party, fromAgent: 'alpha', toAgent: 'beta', amount: '25.5', reason: 'pay', timestamp: NOW, transactionId: r.transactionId },
      ])
    })

    it('rejects bad transfers and changes nothing', async () => {
      await seed()
      const before = await ledger.listWallets()
      const bad: Array<[Record<string, string>, { name: string; code: string }]> = [
        [{ amount: '0' }, { name: 'UserInputError', code: 'BAD_AMOUNT' }],
        [{ amount: '-5' }, { name: 'UserInputError', code: 'BAD_AMOUNT' }],
        [{ amount: '1.00000000001' }, { name: 'UserInputError', code: 'USER_INPUT' }],
        [{ to: 'alpha' }, { name: 'UserInputError', code: 'SELF_TRANSFER' }],
        [{ to: 'ghost' }, { name: 'LedgerError', code: 'WALLET_NOT_FOUND' }],
        [{ from: 'ghost' }, { name: 'LedgerError', code: 'WALLET_NOT_FOUND' }],
        [{ amount: '100.0000000001' }, { name: 'LedgerError', code: 'INSUFFICIENT_BALANCE' }],
      ]
      for (const [patch, expected] of bad) {
        await expect(ledger.transfer({ from: 'alpha', to: 'beta', amount: '1', ...patch }), JSON.stringify(patch)).rejects.toMatchObject(expected)
      }
      await expect(ledger.transfer({ from: 'alpha', to: 'beta', amount: '1000' })).rejects.toThrow(/Insufficient balance/)
      expect(await ledger.listWallets()).toEqual(before)
      expect(await ledger.history()).toEqual([])
      expect((await ledger.events()).map((e) => e.type)).toEqual(['wallet_created', 'wallet_created'])
      expect((await ledger.audit()).ok).toBe(true)
    })

    it('deduplicates by command id: the first result is returned and nothing moves twice', async () => {
      await seed()
      const first = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '100', commandId: 'pay-all' })
      const again = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '100', commandId: 'pay-all' })
      const original = { from: 'alpha', to: 'beta', amount: '100.0', reason: 'Transfer from alpha to beta', committedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }
      expect(again).toEqual({ ...first, deduplicated: true, original })
      expect((await ledger.getWallet('alpha'))!.balance).toBe('0.0')
      expect(await ledger.history()).toHaveLength(1)
      await expect(ledger.createWallet({ agent: 'gamma', initialBalance: '1', commandId: 'pay-all' })).rejects.toMatchObject({ name: 'LedgerError', code: 'DUPLICATE_COMMAND' })
      expect(await ledger.getWallet('gamma')).toBeNull()
    })

    it('refuses a resubmitted command id with other parameters (COMMAND_ID_REUSED) and applies nothing', async () => {
      await seed()
      await ledger.createWallet({ agent: 'ghost', initialBalance: '149' })
      await ledger.transfer({ from: 'alpha', to: 'beta', amount: '10', reason: 'rent', commandId: 'X' })
      const before = [await ledger.listWallets(), await ledger.history()]
      for (const patch of [{ to: 'ghost', amount: '1' }, { amount: '11' }, { reason: 'other' }, { from: 'beta', to: 'alpha' }]) {
        const err = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '10', reason: 'rent', commandId: 'X', ...patch }).catch((e: unknown) => e)
        expect(err, JSON.stringify(patch)).toMatchObject({
          name: 'CommandIdReusedError', code: 'COMMAND_ID_REUSED', commandId: 'X',
          first: { from: 'alpha', to: 'beta', amount: '10.0', reason: 'rent', committedAt: expect.any(String) },
        })
        expect((err as Error).message).toMatch(/already used for the transfer alpha → beta 10\.0 "rent" committed at .*differ.*NOT applied/)
      }
      // Submitted in the same tick (one group commit on the embedded ledger): the first wins.
      const race = await Promise.allSettled([
        ledger.transfer({ from: 'beta', to: 'alpha', amount: '1', commandId: 'Y' }),
        ledger.transfer({ from: 'beta', to: 'alpha', amount: '2', commandId: 'Y' }),
      ])
      expect(race.map((r) => (r.status === 'fulfilled' ? r.value.deduplicated : (r.reason as { code: string }).code))).toEqual([false, 'COMMAND_ID_REUSED'])
      await ledger.transfer({ from: 'alpha', to: 'beta', amount: '1', commandId: 'Y' }).then(() => expect.fail('reused'), (e: { code: string }) => expect(e.code).toBe('COMMAND_ID_REUSED'))
      await ledger.transfer({ from: 'beta', to: 'alpha', amount: '1', commandId: 'Y2' })
      const after = [await ledger.listWallets(), await ledger.history()]
      // An amount written differently is the same amount: a retry, not a reuse.
      expect(await ledger.transfer({ from: 'alpha', to: 'beta', amount: '10.00', reason: 'rent', commandId: 'X' })).toMatchObject({ deduplicated: true })
      expect([await ledger.listWallets(), await ledger.history()]).toEqual(after)
      expect(after[1]).toHaveLength((before[1] as unknown[]).length + 2)
    })

    it('keeps transfers out of the wallet-creation namespace (init:, migrate:) with a named error', async () => {
      await seed()
      for (const commandId of ['init:alpha', 'init:agent_lemy2', 'migrate:embedded:alpha:00']) {
        await expect(ledger.transfer({ from: 'beta', to: 'alpha', amount: '1', commandId }), commandId).rejects.toMatchObject({ name: 'UserInputError', code: 'RESERVED_COMMAND_ID' })
      }
      expect(await ledger.history()).toEqual([])
      expect(await ledger.createWallet({ agent: 'agent_lemy2', initialBalance: '5', commandId: 'init:agent_lemy2' })).toMatchObject({ created: true })
    })

    it('lists history newest first, per agent and limited', async () => {
      await seed()
      await ledger.createWallet({ agent: 'gamma', initialBalance: '10' })
      const a = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '1', reason: 'one' })
      const b = await ledger.transfer({ from: 'beta', to: 'gamma', amount: '2', reason: 'two' })
      const c = await ledger.transfer({ from: 'gamma', to: 'alpha', amount: '3', reason: 'three' })
      expect((await ledger.history()).map((r) => r.transactionId)).toEqual([c.transactionId, b.transactionId, a.transactionId])
      expect((await ledger.history('gamma')).map((r) => r.reason)).toEqual(['three', 'two'])
      expect((await ledger.history(undefined, 1)).map((r) => r.reason)).toEqual(['three'])
      expect((await ledger.history('alpha', 0))).toEqual([])
    })

    it('computes system metrics', async () => {
      await seed()
      await ledger.createWallet({ agent: 'gamma', initialBalance: '0.0000000001' })
      await ledger.transfer({ from: 'alpha', to: 'beta', amount: '10.25' })
      await ledger.transfer({ from: 'beta', to: 'gamma', amount: '0.75' })
      expect(await ledger.metrics()).toEqual({
        party, walletCount: 3, totalBalance: '200.0000000001', transactionCount: 2, totalVolume: '11.0',
        averageBalance: '66.6666666667', mintedTotal: '200.0000000001', lastUpdated: NOW,
      })
    })

    it('keeps an audit trail of events and its invariants hold', async () => {
      await seed()
      const r = await ledger.transfer({ from: 'alpha', to: 'beta', amount: '5', reason: 'r', commandId: 'c-1', conversationId: 'conv-9' })
      const events = await ledger.events()
      expect(events.map((e) => [e.type, e.commandId])).toEqual([['transfer_executed', 'c-1'], ['wallet_created', 'init:beta'], ['wallet_created', 'init:alpha']])
      expect(events[0]).toMatchObject({
        transactionId: r.transactionId,
        details: { from: 'alpha', to: 'beta', amount: '5.0', reason: 'r', fromBalance: '95.0', toBalance: '105.0', recordId: r.recordId, conversationId: 'conv-9' },
      })
      expect(events[2]!.details).toMatchObject({ agent: 'alpha', initialBalance: '100.0' })
      expect(events[0]!.offset).toBeGreaterThan(events[1]!.offset)
      expect((await ledger.events({ type: 'wallet_created', agent: 'beta' })).map((e) => e.commandId)).toEqual(['init:beta'])
      expect(await ledger.events({ limit: 1 })).toHaveLength(1)
      expect(await ledger.audit()).toEqual({ ok: true, violations: [], checked: { wallets: 2, records: 1, transactions: 3 }, supply: '200.0', minted: '200.0' })
    })
  })
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../sqliteStore'
import { EmbeddedLedger } from './embeddedLedger'
import { loadInProcess, loadInThread } from './testing/runLoad'

const dir = mkdtempSync(join(tmpdir(), 'p2e-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const party = 'p2engine::default'
const agents = ['a0', 'a1', 'a2', 'a3', 'a4']

async function freshLedger(name: string): Promise<string> {
  const file = join(dir, name)
  const store = openStore(file)
  const ledger = new EmbeddedLedger(store, { party })
  // Small balances against large amounts force many overdraft rejections under contention.
  for (const agent of agents) await ledger.createWallet({ agent, initialBalance: '20' })
  store.close()
  return file
}

async function check(file: string, committed: number) {
  const store = openStore(file)
  const ledger = new EmbeddedLedger(store, { party })
  const [metrics, audit, wallets] = [await ledger.metrics(), await ledger.audit(), await ledger.listWallets()]
  store.close()
  expect(metrics.totalBalance).toBe('100.0')
  expect(metrics.transactionCount).toBe(committed)
  expect(wallets.every((w) => !w.balance.startsWith('-'))).toBe(true)
  expect(audit).toMatchObject({ ok: true, violations: [] })
}

describe('embedded ledger under concurrent writers', () => {
  it('keeps supply exact and no balance negative with 4 worker threads', async () => {
    const file = await freshLedger('threads.db')
    const jobs = [1, 2, 3, 4].map((seed) => loadInThread({ file, party, agents, count: 150, seed, maxAmount: 15 }))
    const results = await Promise.all(jobs)
    const committed = results.reduce((n, r) => n + r.committed, 0)
    expect(results.reduce((n, r) => n + r.committed + r.rejected, 0)).toBe(600)
    expect(results.some((r) => r.rejected > 0)).toBe(true)
    await check(file, committed)
  })

  it('keeps supply exact and no balance negative with 3 separate processes', async () => {
    const file = await freshLedger('procs.db')
    const results = await Promise.all([7, 8, 9].map((seed) => loadInProcess({ file, party, agents, count: 150, seed, maxAmount: 15 })))
    await check(file, results.reduce((n, r) => n + r.committed, 0))
  })
})

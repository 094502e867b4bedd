import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../main/storage/sqliteStore'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { runTransferLoad } from '../main/storage/ledger/testing/transferLoad'
import { loadInThread } from '../main/storage/ledger/testing/runLoad'
import type { BenchRow } from './report'

const party = 'p2engine::default'
const agents = Array.from({ length: 10 }, (_, i) => `agent_${i}`)

async function prepare(file: string): Promise<void> {
  const store = openStore(file)
  const ledger = new EmbeddedLedger(store, { party })
  for (const agent of agents) await ledger.createWallet({ agent, initialBalance: '1000000000' })
  store.close()
}

async function verify(file: string): Promise<string> {
  const store = openStore(file)
  const ledger = new EmbeddedLedger(store, { party })
  const [m, audit] = [await ledger.metrics(), await ledger.audit()]
  store.close()
  const expected = `${agents.length * 1_000_000_000}.0`
  if (m.totalBalance !== expected || !audit.ok) throw new Error(`supply check FAILED: ${m.totalBalance} vs ${expected}; ${audit.violations.join('; ')}`)
  return `supply ${m.totalBalance} exact, audit ok`
}

/** One process, many concurrent `transfer()` calls (as 100 conversations paying at once): group commit. */
async function pipelined(file: string, count: number, inFlight: number): Promise<number> {
  const store = openStore(file)
  const ledger = new EmbeddedLedger(store, { party })
  let next = 0
  const t0 = process.hrtime.bigint()
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      await ledger.transfer({ from: agents[i % agents.length]!, to: agents[(i * 7 + 3) % agents.length]! === agents[i % agents.length] ? agents[(i + 1) % agents.length]! : agents[(i * 7 + 3) % agents.length]!, amount: '1.25', reason: 'bench' })
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  store.close()
  return count / seconds
}

/** Committed transfers per second on a file-backed embedded ledger (WAL, synchronous=NORMAL). */
export async function benchLedger(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-'))
  try {
    const single = join(dir, 'single.db')
    await prepare(single)
    runTransferLoad({ file: single, party, agents, count: 2_000, seed: 99, maxAmount: 50 }) // warm-up
    const n1 = 30_000
    const r1 = runTransferLoad({ file: single, party, agents, count: n1, seed: 1, maxAmount: 50 })
    const check1 = await verify(single)
    const piped = await pipelined(single, n1, 256)
    const checkP = await verify(single)

    const multi = join(dir, 'multi.db')
    await prepare(multi)
    const perWriter = 10_000
    const t0 = process.hrtime.bigint()
    const results = await Promise.all([1, 2, 3, 4].map((seed) => loadInThread({ file: multi, party, agents, count: perWriter, seed, maxAmount: 50 })))
    const wall = Number(process.hrtime.bigint() - t0) / 1e9
    const committed4 = results.reduce((n, r) => n + r.committed, 0)
    const check4 = await verify(multi)
    const tps1 = r1.committed / r1.seconds
    const tps4 = committed4 / wall
    return [
      { name: 'ledger: 1 writer, one at a time', value: tps1, unit: 'transfers/s', note: `${r1.committed} committed in ${r1.seconds.toFixed(2)} s, a transaction each; ${check1}` },
      { name: 'ledger: 1 writer, 256 in flight', value: piped, unit: 'transfers/s', note: `group commit; ${checkP}; ${(piped / tps1).toFixed(1)}× one-at-a-time`, target: '≥ 15,000', ok: piped >= 15_000 },
      { name: 'ledger: 4 writers (threads)', value: tps4, unit: 'transfers/s', note: `${committed4} committed in ${wall.toFixed(2)} s (incl. thread start); ${check4}; ratio to 1 writer ${(tps4 / tps1).toFixed(2)}×` },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Runs random transfers against a ledger file; used as a worker thread and as a child process
// by the concurrency tests and the benchmark. Input: { file, party, agents, count, seed }.
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { LedgerError } from '../../../engine/errors'
import { openStore } from '../../sqliteStore'
import { EmbeddedLedger } from '../embeddedLedger'

export interface LoadJob {
  file: string
  party: string
  agents: string[]
  count: number
  seed: number
  /** Amounts are drawn from 1..maxAmount with 2 fractional digits. */
  maxAmount: number
}

export interface LoadResult {
  committed: number
  rejected: number
  seconds: number
}

/** Performs `count` transfers between random agents; overdrafts are expected rejections. */
export function runTransferLoad(job: LoadJob): LoadResult {
  const store = openStore(job.file)
  const ledger = new EmbeddedLedger(store, { party: job.party })
  let state = job.seed >>> 0 || 1
  const rand = (n: number): number => {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5
    return (state >>> 0) % n
  }
  let committed = 0
  let rejected = 0
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < job.count; i++) {
    const from = job.agents[rand(job.agents.length)]!
    let to = job.agents[rand(job.agents.length)]!
    if (to === from) to = job.agents[(job.agents.indexOf(from) + 1) % job.agents.length]!
    const cents = 1 + rand(job.maxAmount * 100)
    try {
      ledger.transferSync({ from, to, amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, reason: 'load' })
      committed++
    } catch (err) {
      if (!(err instanceof LedgerError) || err.code !== 'INSUFFICIENT_BALANCE') throw err
      rejected++
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  store.close()
  return { committed, rejected, seconds }
}

if (!isMainThread && workerData?.ledgerLoad) {
  parentPort!.postMessage(runTransferLoad(workerData.ledgerLoad as LoadJob))
} else if (isMainThread && process.argv[2] === '--ledger-load') {
  process.stdout.write(JSON.stringify(runTransferLoad(JSON.parse(process.argv[3]!) as LoadJob)) + '\n')
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { remoteLedgerClient, serveLedger } from '../main/scaleout/remoteLedger'
import { hasRedisServer, startRedis } from '../main/scaleout/testing/redisServer'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { openStore } from '../main/storage/sqliteStore'
import type { LedgerClient } from '../main/engine/ports/ledger'
import type { BenchRow } from './report'

const party = 'p2engine::default'

/** Mean µs of `n` sequential transfers (each awaited before the next: one conversation paying). */
async function sequential(ledger: LedgerClient, n: number, tag: string): Promise<number> {
  for (let i = 0; i < 50; i++) await ledger.transfer({ from: 'payer', to: 'payee', amount: '0.01', commandId: `tc_${tag}_warm_${i}` })
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await ledger.transfer({ from: 'payer', to: 'payee', amount: '0.01', commandId: `tc_${tag}_${i}` })
  return Number(process.hrtime.bigint() - t0) / 1e3 / n
}

/** Transfers per second with `inFlight` concurrent callers (many conversations of one worker). */
async function concurrent(ledger: LedgerClient, n: number, inFlight: number, tag: string): Promise<number> {
  let next = 0
  const t0 = process.hrtime.bigint()
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      const i = next++
      await ledger.transfer({ from: 'payer', to: 'payee', amount: '0.01', commandId: `tc_${tag}_c${i}` })
    }
  }))
  return n / (Number(process.hrtime.bigint() - t0) / 1e9)
}

/**
 * A worker's transfer through the remote ledger (Redis request/answer, the coordinator's embedded
 * ledger on a file) against the same ledger called in-process. Needs `redis-server` on PATH.
 */
export async function benchRemoteLedger(): Promise<BenchRow[]> {
  if (!hasRedisServer()) return [{ name: 'remote ledger', value: 0, unit: 'µs', note: 'skipped: no redis-server on PATH (apt-get install redis-server)' }]
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-rl-'))
  const redis = await startRedis()
  const store = openStore(join(dir, 'coordinator.db'))
  const ledger = new EmbeddedLedger(store, { party })
  const o = { url: redis.url, secret: 'bench-secret-0123456789abcdef', appVersion: 'bench' }
  const service = await serveLedger(ledger, o)
  const remote = remoteLedgerClient(o)
  try {
    for (const agent of ['payer', 'payee']) await ledger.createWallet({ agent, initialBalance: '1000000000' })
    const n = 2_000
    const local = await sequential(ledger, n, 'local')
    const viaRedis = await sequential(remote, n, 'remote')
    const localTps = await concurrent(ledger, 10_000, 64, 'local')
    const remoteTps = await concurrent(remote, 10_000, 64, 'remote')
    const audit = await ledger.audit()
    const check = audit.ok ? 'audit ok' : `audit FAILED: ${audit.violations.join('; ')}`
    return [
      { name: 'transfer round trip, local', value: local, unit: 'µs', note: `embedded ledger in-process, one at a time (${n})` },
      { name: 'transfer round trip, remote', value: viaRedis, unit: 'µs', note: `worker → Redis → coordinator → Redis → worker, signed; ${(viaRedis / local).toFixed(1)}× local`, target: '≤ 5,000', ok: viaRedis <= 5_000 },
      { name: 'transfers, remote, 64 in flight', value: remoteTps, unit: 'transfers/s', note: `local 64 in flight: ${Math.round(localTps).toLocaleString('en-US')}/s; ${check}` },
    ]
  } finally {
    await remote.close()
    await service.close()
    store.close()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

// One engine workload alone, for profiling: `node --cpu-prof --import tsx bench/turnProfile.ts`.
// N turns (default 2000) after 300 warm-up turns; CONC conversations at once (1); ROOT agent
// (`agent`, or `parent` for delegation); COUNTED=1 adds the store counters (they cost CPU);
// BENCH_SQL=1 with COUNTED=1 prints the statements by SQL at exit.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeEngine, turns } from './workloads'

const dir = mkdtempSync(join(tmpdir(), 'p2e-turns-'))
const n = Number(process.env.N ?? 2000)
const root = process.env.ROOT ?? 'agent'
const concurrent = Number(process.env.CONC ?? 1)
const e = makeEngine(join(dir, 'turns.db'), { counted: process.env.COUNTED === '1' })
try {
  await turns(e.engine, 'warm', 300, concurrent, root)
  e.counter?.begin()
  const cpu0 = process.cpuUsage()
  const us = await turns(e.engine, 'x', n, concurrent, root)
  const cpu = process.cpuUsage(cpu0)
  const c = e.counter?.end()
  const counts = c ? `; ${c.commits / n} commits, ${c.rows / n} rows, ${c.statements / n} statements, ${(c.walBytes / n / 1024).toFixed(1)} KiB WAL per turn` : ''
  console.log(`${root} ×${concurrent}: ${us.toFixed(0)} µs/turn wall, ${((cpu.user + cpu.system) / n).toFixed(0)} µs CPU/turn${counts}`)
} finally {
  e.close()
  rmSync(dir, { recursive: true, force: true })
}

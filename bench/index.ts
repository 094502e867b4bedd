// `npm run bench`: every benchmark, printed as tables with ratios. Not a test: numbers vary by machine.
// BENCH_ONLY=engine (or cli, ledger, remote-ledger, tracing, rollouts, distributed, bundles, ui; comma separated) runs a subset.
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { benchBundles } from './bundles'
import { benchCliStart, printCliStart } from './cliStart'
import { benchDistributed } from './distributed'
import { benchEngine } from './engine'
import { benchLedger } from './ledger'
import { benchRemoteLedger } from './remoteLedger'
import { printTable } from './report'
import { benchRollouts } from './rollouts'
import { benchTracing } from './tracing'
import { benchUiFrames, printUiFrames } from './uiFrames'

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const wanted = (name: string): boolean => !only || only.includes(name)

console.log(`P2Engine benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`)
// First, while no worker threads of the other benchmarks compete for the cores.
if (wanted('cli')) printCliStart(benchCliStart())
if (wanted('ledger')) printTable('Embedded ledger', await benchLedger())
if (wanted('remote-ledger')) printTable('Remote ledger (a worker paying through Redis into the coordinator\'s ledger)', await benchRemoteLedger())
if (wanted('engine')) printTable('Engine per turn (scripted model, every state durable in SQLite)', await benchEngine())
if (wanted('tracing')) printTable('OpenTelemetry tracing off vs on (engine turn, sequential)', await benchTracing())
if (wanted('rollouts')) printTable('Rollouts (200 variants, fake model 100 ms, --parallel 32)', await benchRollouts())
if (wanted('distributed')) printTable('Distributed rollouts (200 variants, fake model 100 ms, 1 coordinator + 1/2/4 workers × 16, real redis-server)', await benchDistributed())
if (wanted('bundles')) printTable('Bundles (.p2bundle export and import)', await benchBundles())
if (wanted('ui')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (existsSync(chromium)) printUiFrames(await benchUiFrames())
  else console.log(`\n## UI frame times\n\nskipped: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`)
}

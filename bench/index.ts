// `npm run bench`: every benchmark, printed as tables with ratios. Not a test: numbers vary by machine.
import { cpus } from 'node:os'
import { benchCliStart, printCliStart } from './cliStart'
import { benchEngine } from './engine'
import { benchLedger } from './ledger'
import { printTable } from './report'
import { benchRollouts } from './rollouts'
import { benchTracing } from './tracing'

console.log(`P2Engine benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`)
// First, while no worker threads of the other benchmarks compete for the cores.
printCliStart(benchCliStart())
printTable('Embedded ledger', await benchLedger())
printTable('Engine overhead per turn', await benchEngine())
printTable('OpenTelemetry tracing off vs on (engine turn, sequential)', await benchTracing())
printTable('Rollouts (200 variants, fake model 100 ms, --parallel 32)', await benchRollouts())

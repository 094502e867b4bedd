/**
 * Stand-in for `canton sandbox` in tests. Serves the fake JSON Ledger API on `--json-api-port`
 * and prints Canton's ready line. STANDIN_MODE:
 * - `ok` (default): run until SIGTERM;
 * - `crash-once`: after ready, exit with code 3 unless the file STANDIN_MARKER exists (creates it);
 * - `exit-early`: exit with code 1 before becoming ready;
 * - `never-ready`: print nothing, serve nothing.
 * Every invocation appends its argv to STANDIN_ARGS_LOG when set.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { FakeLedgerApi } from '../../testing/fakeLedgerApi'

const args = process.argv.slice(2)
if (process.env.STANDIN_ARGS_LOG) appendFileSync(process.env.STANDIN_ARGS_LOG, JSON.stringify(args) + '\n')
const mode = process.env.STANDIN_MODE ?? 'ok'
const opt = (name: string) => args[args.indexOf(name) + 1]
if (args[0] !== 'sandbox' || !opt('--json-api-port') || !opt('--dar')) {
  console.error(`stand-in canton: unexpected arguments ${JSON.stringify(args)}`)
  process.exit(2)
}
if (!existsSync(opt('--dar')!)) {
  console.error(`stand-in canton: DAR ${opt('--dar')} does not exist`)
  process.exit(2)
}
console.log('Starting Canton (stand-in) …')
if (mode === 'exit-early') {
  console.error('stand-in canton: failing on purpose')
  process.exit(1)
}
if (mode === 'never-ready') {
  setInterval(() => undefined, 1000)
} else {
  const fake = await new FakeLedgerApi().start(Number(opt('--json-api-port')))
  console.log(`sandbox listening at ports: ${opt('--ledger-api-port') ?? opt('--port')}(gRPC) and ${opt('--json-api-port')}(HTTP)`)
  console.log('Canton sandbox is ready.')
  // Exit promptly on TERM even if a keep-alive connection holds the server open.
  process.on('SIGTERM', () => {
    setTimeout(() => process.exit(0), 300).unref()
    void fake.stop().then(() => process.exit(0))
  })
  if (mode === 'crash-once') {
    const marker = process.env.STANDIN_MARKER!
    if (!existsSync(marker)) {
      writeFileSync(marker, 'crashed')
      setTimeout(() => process.exit(3), 300)
    }
  }
}

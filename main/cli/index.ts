// The `p2engine` CLI entry (bin/p2engine.mjs runs the built copy).
import { startTelemetry } from '../telemetry/otel'
import { processKindOf } from '../telemetry/processKind'
import { runCli } from './program'
import { safeText } from './safeText'
import { guardStdio } from './stdio'

guardStdio()

const argv = process.argv.slice(2)
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; spans are flushed before the process exits, whatever the outcome.
const telemetry = await startTelemetry(processKindOf(argv), process.env, (m) => void process.stderr.write(`⚠️  ${safeText(m)}\n`))
try {
  process.exitCode = await runCli(argv)
} finally {
  await telemetry?.shutdown()
}

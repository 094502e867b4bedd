// The `p2engine` CLI entry (bin/p2engine.mjs runs the built copy).
import { telemetrySettings } from '../telemetry/settings'
import { processKindOf } from '../telemetry/processKind'
import { runCli } from './program'
import { safeText } from './safeText'
import { guardStdio } from './stdio'

guardStdio()

const argv = process.argv.slice(2)
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (then the SDK is imported; not a module of it otherwise);
// spans are flushed before the process exits, whatever the outcome.
const telemetry = telemetrySettings(process.env).kind === 'off'
  ? null
  : await (await import('../telemetry/otel')).startTelemetry(processKindOf(argv), process.env, (m) => void process.stderr.write(`⚠️  ${safeText(m)}\n`))
try {
  process.exitCode = await runCli(argv)
} finally {
  await telemetry?.shutdown()
}

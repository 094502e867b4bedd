// The `p2engine` CLI entry. bin/p2engine.cjs runs the built copy: out/main/cli.cjs (one CommonJS
// bundle, through a V8 code cache) or out/main/cli.js; without a build, this file through tsx.
// No top-level await, so the same entry bundles as CommonJS.
import './zodJitless' // first: before any module builds a zod schema
import { telemetrySettings } from '../telemetry/settings'
import { processKindOf } from '../telemetry/processKind'
import { runCli } from './program'
import { safeText } from './safeText'
import { guardStdio } from './stdio'

async function main(argv: string[]): Promise<void> {
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
}

guardStdio()
void main(process.argv.slice(2))

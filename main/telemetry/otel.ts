import { trace } from '@opentelemetry/api'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import pkg from '../../package.json'
import { telemetrySettings, type ProcessKind } from './settings'

/** The process's trace pipeline: flush before exiting (or after each worker task). */
export interface Telemetry {
  /** Where spans go (the OTLP/HTTP traces URL). */
  readonly url: string
  /** Exports every ended span now; gives up after `timeoutMs` (a collector that does not answer never blocks an exit). */
  flush(timeoutMs?: number): Promise<void>
  /** Flushes and stops the pipeline; spans ended later are dropped. */
  shutdown(timeoutMs?: number): Promise<void>
}

let current: Promise<Telemetry> | null = null
let warnedInvalid = false

const within = (p: Promise<unknown>, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref?.()
    void p.catch(() => undefined).finally(() => {
      clearTimeout(timer)
      resolve()
    })
  })

/** Reports a failed export once per process instead of failing silently. */
function warnOnFailure(exporter: SpanExporter, url: string, warn: (message: string) => void): SpanExporter {
  let warned = false
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== 0 && !warned) {
          warned = true
          warn(`traces could not be exported to ${url}: ${result.error?.message ?? 'export failed'} (is the collector running?)`)
        }
        done(result)
      })
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  }
}

/**
 * Registers the OpenTelemetry SDK (BasicTracerProvider, BatchSpanProcessor, OTLP/HTTP JSON
 * exporter; resource `service.name` plus the process kind) as the global tracer provider when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and
 * `OTEL_SDK_DISABLED` is not). Off by default: then the SDK is not even imported, the engine's
 * spans are the API's no-op spans, and this resolves to null. Once per process: later calls
 * return the running pipeline until it is shut down. A bad endpoint is reported (once) through
 * `warn` and tracing stays off.
 */
export function startTelemetry(kind: ProcessKind, env: NodeJS.ProcessEnv = process.env, warn: (message: string) => void = (m) => process.stderr.write(`⚠️  ${m}\n`)): Promise<Telemetry | null> {
  if (current) return current
  const settings = telemetrySettings(env)
  if (settings.kind === 'invalid' && !warnedInvalid) {
    warnedInvalid = true
    warn(settings.message)
  }
  if (settings.kind !== 'on') return Promise.resolve(null)
  const started = (current = (async (): Promise<Telemetry> => {
    const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ])
    const exporter = warnOnFailure(new OTLPTraceExporter({ url: settings.url, timeoutMillis: 5000 }), settings.url, warn)
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': settings.serviceName, 'service.version': pkg.version, 'p2engine.process.kind': kind, 'process.pid': process.pid,
      }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
    })
    trace.setGlobalTracerProvider(provider)
    return {
      url: settings.url,
      flush: (timeoutMs = 5000) => within(provider.forceFlush(), timeoutMs),
      shutdown: async (timeoutMs = 5000) => {
        await within(provider.shutdown(), timeoutMs)
        // The process may start another pipeline later (tests, a restarted host).
        if (current === started) current = null
        trace.disable()
      },
    }
  })())
  return started
}

/** Flushes the pipeline started by {@link startTelemetry}, if any (worker threads after each task). */
export async function flushTelemetry(timeoutMs?: number): Promise<void> {
  const t = current ? await current : null
  await t?.flush(timeoutMs)
}

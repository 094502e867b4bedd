import { trace } from '@opentelemetry/api'
import type { BenchRow } from './report'
import { makeEngine, turns } from './workloads'

const N = 1000
const ROUNDS = 5

/** µs per turn of a fresh in-memory engine (after a warm-up): the engine's CPU cost without disk waits. */
async function measure(label: string): Promise<number> {
  const { engine, close } = makeEngine(':memory:')
  try {
    await turns(engine, `${label}-warm`, 200, 1)
    return await turns(engine, label, N, 1)
  } finally {
    close()
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Engine turn time with tracing off (no SDK registered: the API's no-op tracer, what every user
 * gets unless OTEL_EXPORTER_OTLP_ENDPOINT is set) and on (SDK with a batch processor and an
 * in-memory exporter: the span work without the network), interleaved round by round so load
 * changes hit both alike. The spread of the off rounds is the noise "off" is compared within.
 */
export async function benchTracing(): Promise<BenchRow[]> {
  const { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } = await import('@opentelemetry/sdk-trace-base')
  const off: number[] = []
  const on: number[] = []
  let spans = 0
  for (let r = 0; r < ROUNDS; r++) {
    off.push(await measure(`off${r}`))
    const exporter = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 4096, scheduledDelayMillis: 200 })] })
    trace.setGlobalTracerProvider(provider)
    on.push(await measure(`on${r}`))
    await provider.forceFlush()
    spans += exporter.getFinishedSpans().length
    await provider.shutdown()
    trace.disable()
  }
  const offMedian = median(off)
  const onMedian = median(on)
  const noise = (Math.max(...off) - Math.min(...off)) / offMedian
  return [
    { name: 'tracing off (no SDK)', value: offMedian, unit: 'µs/turn', note: `median of ${ROUNDS} × ${N} turns; the API's no-op tracer, the default` },
    { name: 'tracing on (SDK, in-memory exporter)', value: onMedian, unit: 'µs/turn', note: `${(spans / (ROUNDS * (N + 200))).toFixed(1)} spans per turn (turn, 2 model calls, tool call)` },
    { name: 'off: spread of its rounds (noise)', value: noise * 100, unit: '%', note: 'off equals the baseline (no tracing code) within this noise' },
    { name: 'on / off', value: onMedian / offMedian, unit: '×', target: '≤ 1.5', ok: onMedian / offMedian <= 1.5, note: 'cost of recording spans when traces are turned on' },
  ]
}

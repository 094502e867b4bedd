import { ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api'
import pkg from '../../../package.json'

/**
 * Shared OpenTelemetry helpers of the engine: the tracer, attribute names, W3C `traceparent`
 * strings for worker threads and error recording. Only `@opentelemetry/api` is used here: without
 * a registered SDK every span is the API's no-op span.
 */

/** The engine's tracer (a proxy: an SDK registered later is picked up by the next span). */
export const engineTracer = (): Tracer => trace.getTracer('p2engine', pkg.version)

/** Attribute names of the engine's own (non semantic-convention) attributes. */
export const P2 = {
  conversation: 'p2engine.conversation.id',
  branch: 'p2engine.branch.id',
  agent: 'p2engine.agent.id',
  rollout: 'p2engine.rollout.id',
  team: 'p2engine.team.id',
  variant: 'p2engine.variant.id',
  costUsd: 'p2engine.cost_usd',
} as const

/** A span that records nothing (handed out when the parent is not recording). */
export const NOOP_SPAN: Span = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE })

/** Records `err` on the span and marks it failed (message on the status). */
export function failSpan(span: Span, err: unknown, message?: string): void {
  if (!span.isRecording()) return
  if (err instanceof Error) span.recordException(err)
  else span.recordException({ name: 'Error', message: message ?? String(err) })
  span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? (err instanceof Error ? err.message : String(err)) })
}

/** Marks a span failed with a code and message (a tool or provider error that is not an exception). */
export function failSpanWith(span: Span, code: string, message: string): void {
  if (!span.isRecording()) return
  span.setAttribute('error.type', code)
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${message}` })
}

/** The W3C `traceparent` of the span active in `ctx`, or undefined when nothing is recorded. */
export function toTraceparent(ctx: Context): string | undefined {
  const sc = trace.getSpanContext(ctx)
  if (!sc || !trace.isSpanContextValid(sc)) return undefined
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & TraceFlags.SAMPLED).toString(16)}`
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** A context whose parent is the remote span named by `traceparent` (ROOT_CONTEXT when absent or malformed). */
export function fromTraceparent(traceparent: string | undefined): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null
  if (!m) return ROOT_CONTEXT
  const sc = { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true }
  return trace.isSpanContextValid(sc) ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT
}

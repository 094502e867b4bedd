import { ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api'
import { engineTracer, failSpan, failSpanWith, P2, toTraceparent } from '../runtime/traceKit'
import type { VariantTaskResult } from './repository'
import type { RolloutRecord } from './types'
import { variantConversationId } from './types'

/**
 * Spans of a rollout run: `rollout {id}` for one `runRollout` call, and `rollout.variant
 * {team}/{variant}` under it for each variant task. The variant's context travels to its worker
 * thread as a W3C traceparent on the task, where the variant conversation's turns are its
 * children (see `runtime/tracing.ts`).
 */
export interface SpanScope {
  span: Span
  ctx: Context
}

/** Starts the span of a run of `rollout` with `pending` variants to run. */
export function startRolloutSpan(rollout: RolloutRecord, pending: number): SpanScope {
  const span = engineTracer().startSpan(`rollout ${rollout.id}`, {
    attributes: { [P2.rollout]: rollout.id, 'p2engine.rollout.spec_file': rollout.specFile, 'p2engine.rollout.variants': rollout.spec.variants.length, 'p2engine.rollout.pending': pending, 'p2engine.rollout.parallel': rollout.spec.options.parallel },
  }, ROOT_CONTEXT)
  return { span, ctx: trace.setSpan(ROOT_CONTEXT, span) }
}

/** Starts a variant's span under the rollout's; `traceparent` goes with the task to the worker. */
export function startVariantSpan(rollout: SpanScope, rolloutId: string, team: string, variantId: string): SpanScope & { traceparent: string | undefined } {
  const span = engineTracer().startSpan(`rollout.variant ${team}/${variantId}`, {
    attributes: { [P2.rollout]: rolloutId, [P2.team]: team, [P2.variant]: variantId, [P2.conversation]: variantConversationId(rolloutId, team, variantId) },
  }, rollout.ctx)
  const ctx = trace.setSpan(rollout.ctx, span)
  return { span, ctx, traceparent: toTraceparent(ctx) }
}

/** Ends a variant's span with the task's result or its crash. */
export function endVariantSpan(scope: SpanScope, outcome: { result: VariantTaskResult } | { error: unknown; reason: string }): void {
  const { span } = scope
  if ('result' in outcome) {
    span.setAttribute('p2engine.variant.status', outcome.result.status)
    if (outcome.result.status === 'failed') failSpanWith(span, 'VARIANT_FAILED', outcome.result.error ?? 'variant failed')
  } else {
    span.setAttribute('p2engine.variant.status', 'failed')
    failSpan(span, outcome.error, outcome.reason)
  }
  span.end()
}

/** Ends the rollout's span with its final status. */
export function endRolloutSpan(scope: SpanScope, status: string, err?: unknown): void {
  scope.span.setAttribute('p2engine.rollout.status', status)
  if (err !== undefined) failSpan(scope.span, err)
  else if (status === 'done') scope.span.setStatus({ code: SpanStatusCode.OK })
  scope.span.end()
}

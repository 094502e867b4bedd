/**
 * OpenTelemetry spans of the engine (only `@opentelemetry/api`; the SDK is wired by the process,
 * see `main/telemetry/`).
 *
 * Design. The engine is event driven: a turn is not one call stack but several scheduler steps
 * (model call, tool calls running outside the step, a delegated child's steps, a wake-up when the
 * results are in), so async context propagation cannot carry the parent (and no context manager
 * is registered). Parents are explicit and kept here, per engine:
 *
 * - `turns`: the open turn span per branch key (conversation/agent/branch). A turn (`invoke_agent
 *   {agent}`) starts at the first step that owes an answer and ends when the answer is delivered
 *   (or a human is asked, the branch is cancelled, a step fails, the engine closes). Model calls
 *   (`chat {model}`) and tool calls (`execute_tool {tool}`) start with the turn's context as parent.
 * - `tools`: open tool spans by branch key + call id. A ledger command run by the tool gets a
 *   ledger view whose spans have the tool span as parent (`tracedLedger.ts`).
 * - `delegations`: open delegation spans (`delegate {child}`) by conversation + parent agent +
 *   correlation id (the `delegate` call id, stored on the child's message). The `delegate` tool
 *   span stays open until the delegation ends, the delegation span is its child, and the child's
 *   turn finds its parent through the delegation meta of the message that started it.
 * - `parents`: a parent context per conversation (a rollout variant's span, possibly from another
 *   thread via a W3C traceparent) for root turns.
 *
 * Off (no SDK): every span is the API's non-recording span; a turn that does not record hands out
 * a shared no-op span and no attributes are computed, so the cost is a few map operations per step.
 * After a restart, a resumed turn starts a new span (spans do not survive the process).
 */
import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api'
import { AppError, messageOf } from '../errors'
import type { LedgerClient } from '../ports/ledger'
import type { ModelResponse } from '../ports/model'
import type { StackEntry } from '../schema/states'
import type { ToolOutcome } from '../tools/types'
import { keyOf, SEP, type AgentRef } from './context'
import { delegationOf } from './delegation'
import { tracedLedger } from './tracedLedger'
import { engineTracer, failSpan, failSpanWith, fromTraceparent, NOOP_SPAN, P2 } from './traceKit'

interface Open {
  span: Span
  ctx: Context
  /** Ids shared by the turn's children. */
  attrs: Attributes
}

interface OpenDelegation extends Open {
  tool: Span | null
}

const OFF: Open = { span: NOOP_SPAN, ctx: ROOT_CONTEXT, attrs: {} }

/** Span bookkeeping of one engine (see the design above). */
export class EngineTracing {
  private readonly tracer = engineTracer()
  private readonly turns = new Map<string, Open>()
  private readonly tools = new Map<string, Open>()
  private readonly delegations = new Map<string, OpenDelegation>()
  private readonly parents = new Map<string, Context>()

  /**
   * @param metadataOf the conversation's metadata (rollout, team, variant ids of rollout conversations).
   */
  constructor(private readonly metadataOf: (conversationId: string) => Record<string, unknown>) {}

  /** Root turns of the conversation become children of the span named by `traceparent` (a rollout variant). */
  setParent(conversationId: string, traceparent: string | undefined): void {
    if (!traceparent) return
    this.parents.set(conversationId, fromTraceparent(traceparent))
    // A worker's engine runs variant after variant: keep the newest parents only.
    if (this.parents.size > 1000) this.parents.delete(this.parents.keys().next().value!)
  }

  /** Opens the turn of `at` unless one is open; `origin` is the message that started the task. */
  startTurn(at: AgentRef, origin: StackEntry | null): Open {
    const key = keyOf(at)
    const open = this.turns.get(key)
    if (open) return open
    const delegation = delegationOf(origin)
    const parent = delegation
      ? (this.delegations.get(delegationKey(at.conversationId, delegation.parent, delegation.correlationId))?.ctx ?? this.parents.get(at.conversationId))
      : this.parents.get(at.conversationId)
    const span = this.tracer.startSpan(`invoke_agent ${at.agentId}`, { kind: SpanKind.INTERNAL }, parent ?? ROOT_CONTEXT)
    if (!span.isRecording()) {
      this.turns.set(key, OFF)
      return OFF
    }
    const attrs = this.idsOf(at)
    span.setAttributes({
      ...attrs, 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': at.agentId, 'gen_ai.agent.id': at.agentId, 'gen_ai.conversation.id': at.conversationId,
      'p2engine.turn.trigger': delegation ? delegation.purpose : 'user', ...(delegation ? { 'p2engine.delegation.parent': delegation.parent, 'p2engine.delegation.depth': delegation.depth } : {}),
    })
    const turn = { span, ctx: trace.setSpan(parent ?? ROOT_CONTEXT, span), attrs }
    this.turns.set(key, turn)
    return turn
  }

  /** Ends the open turn of `at` (`outcome`: answered, awaiting_human, cancelled, ...). */
  endTurn(at: AgentRef | string, outcome: string): void {
    const key = typeof at === 'string' ? at : keyOf(at)
    const turn = this.turns.get(key)
    if (!turn) return
    this.turns.delete(key)
    if (turn === OFF) return
    turn.span.setAttribute('p2engine.turn.outcome', outcome)
    turn.span.end()
  }

  /** A step of the branch threw (a bug): the turn records the exception and ends. */
  stepFailed(key: string, err: unknown): void {
    const turn = this.turns.get(key)
    if (turn) failSpan(turn.span, err)
    this.endTurn(key, 'failed')
  }

  /** A `chat {model}` span under the turn of `at`. */
  startModelCall(at: AgentRef, model: string): Span {
    const turn = this.turns.get(keyOf(at)) ?? this.startTurn(at, null)
    if (turn === OFF) return NOOP_SPAN
    return this.tracer.startSpan(`chat ${model}`, {
      kind: SpanKind.CLIENT,
      attributes: { ...turn.attrs, 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.system': providerOf(model), 'gen_ai.provider.name': providerOf(model) },
    }, turn.ctx)
  }

  /** Ends a model call span with the response's model, usage and cost. */
  modelDone(span: Span, r: ModelResponse): void {
    if (span === NOOP_SPAN) return
    span.setAttributes({
      'gen_ai.response.model': r.model, 'gen_ai.usage.input_tokens': r.usage.promptTokens, 'gen_ai.usage.output_tokens': r.usage.completionTokens,
      'gen_ai.provider.name': r.provider, 'gen_ai.system': r.provider,
      ...(r.costUsd !== null ? { [P2.costUsd]: r.costUsd } : {}), 'p2engine.model.offline': r.offline, 'p2engine.model.replayed': r.replayed ?? false, 'p2engine.model.latency_ms': r.latencyMs,
    })
    span.end()
  }

  /** Ends a model call span that failed; a provider error also marks the turn failed. */
  modelFailed(at: AgentRef, span: Span, err: unknown): void {
    if (span === NOOP_SPAN) return
    if (err instanceof AppError) span.setAttribute('error.type', err.code)
    failSpan(span, err, messageOf(err))
    span.end()
    const turn = this.turns.get(keyOf(at))
    if (turn && err instanceof AppError) failSpanWith(turn.span, err.code, messageOf(err))
  }

  /** An `execute_tool {name}` span under the turn of `at`, kept until {@link endTool}. */
  startTool(at: AgentRef, call: { id: string; name: string }, origin: StackEntry | null): void {
    const turn = this.turns.get(keyOf(at)) ?? this.startTurn(at, origin)
    if (turn === OFF) return
    const span = this.tracer.startSpan(`execute_tool ${call.name}`, {
      kind: SpanKind.INTERNAL,
      attributes: { ...turn.attrs, 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': call.name, 'gen_ai.tool.call.id': call.id },
    }, turn.ctx)
    this.tools.set(`${keyOf(at)}/${call.id}`, { span, ctx: trace.setSpan(turn.ctx, span), attrs: turn.attrs })
  }

  /** The ledger the tool call sees: its commands are spans under the tool span (unchanged when not traced). */
  ledgerFor(at: AgentRef, callId: string, ledger: LedgerClient | undefined): LedgerClient | undefined {
    const tool = ledger ? this.tools.get(`${keyOf(at)}/${callId}`) : undefined
    return tool ? tracedLedger(ledger!, tool.ctx) : ledger
  }

  /** Records the tool's outcome on its span. */
  toolOutcome(at: AgentRef, callId: string, outcome: ToolOutcome): void {
    const tool = this.tools.get(`${keyOf(at)}/${callId}`)
    if (!tool) return
    tool.span.setAttribute('p2engine.tool.status', outcome.status)
    if (outcome.status === 'error') failSpanWith(tool.span, outcome.error.code, outcome.error.message)
    else if (outcome.cached) tool.span.setAttribute('p2engine.tool.cached', true)
  }

  /** The tool threw (a bug). */
  toolThrew(at: AgentRef, callId: string, err: unknown): void {
    const tool = this.tools.get(`${keyOf(at)}/${callId}`)
    if (tool) failSpan(tool.span, err)
  }

  /** Ends the tool span unless a delegation took it over. */
  endTool(at: AgentRef, callId: string): void {
    const key = `${keyOf(at)}/${callId}`
    const tool = this.tools.get(key)
    if (!tool) return
    this.tools.delete(key)
    tool.span.end()
  }

  /**
   * A `delegate {child}` span: under the `delegate` tool call `correlationId` of `at` when there
   * is one (that tool span then ends with the delegation), else under the turn (a critique).
   */
  startDelegation(at: AgentRef, correlationId: string, child: string, depth: number, purpose: 'task' | 'critique'): void {
    const toolKey = `${keyOf(at)}/${correlationId}`
    const tool = this.tools.get(toolKey)
    const parent = tool ?? this.turns.get(keyOf(at))
    if (!parent || parent === OFF) return
    if (tool) this.tools.delete(toolKey)
    const span = this.tracer.startSpan(`delegate ${child}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        ...parent.attrs, 'p2engine.delegation.parent': at.agentId, 'p2engine.delegation.child': child, 'p2engine.delegation.correlation_id': correlationId,
        'p2engine.delegation.depth': depth, 'p2engine.delegation.purpose': purpose,
      },
    }, parent.ctx)
    this.delegations.set(delegationKey(at.conversationId, at.agentId, correlationId), { span, ctx: trace.setSpan(parent.ctx, span), attrs: parent.attrs, tool: tool?.span ?? null })
  }

  /** Ends the delegation (and its `delegate` tool span) with `status`: ok, error, timeout, cancelled. */
  endDelegation(conversationId: string, parentAgent: string, correlationId: string, status: string): void {
    const key = delegationKey(conversationId, parentAgent, correlationId)
    const d = this.delegations.get(key)
    if (!d) return
    this.delegations.delete(key)
    d.span.setAttribute('p2engine.delegation.status', status)
    if (status !== 'ok') {
      failSpanWith(d.span, status.toUpperCase(), `delegation ${status}`)
      if (d.tool) failSpanWith(d.tool, status.toUpperCase(), `delegation ${status}`)
    }
    d.span.end()
    d.tool?.end()
  }

  /** Ends every open span (engine closing): they are exported, marked incomplete. */
  close(): void {
    const all: Span[] = [
      ...[...this.tools.values()].map((o) => o.span),
      ...[...this.delegations.values()].flatMap((d) => (d.tool ? [d.span, d.tool] : [d.span])),
      ...[...this.turns.values()].map((o) => o.span),
    ]
    this.tools.clear()
    this.delegations.clear()
    this.turns.clear()
    for (const span of all) {
      if (span === NOOP_SPAN) continue
      span.setAttribute('p2engine.incomplete', true)
      span.end()
    }
  }

  private idsOf(at: AgentRef): Attributes {
    const meta = this.metadataOf(at.conversationId)
    return {
      [P2.conversation]: at.conversationId, [P2.branch]: at.branch, [P2.agent]: at.agentId,
      ...(typeof meta.rolloutId === 'string' ? { [P2.rollout]: meta.rolloutId } : {}),
      ...(typeof meta.team === 'string' ? { [P2.team]: meta.team } : {}),
      ...(typeof meta.variant === 'string' ? { [P2.variant]: meta.variant } : {}),
    }
  }
}

const delegationKey = (conversationId: string, parentAgent: string, correlationId: string): string => `${conversationId}${SEP}${parentAgent}${SEP}${correlationId}`

/** `openai/gpt-4o` → `openai`; a bare model id names no provider. */
const providerOf = (model: string): string => (model.includes('/') ? model.slice(0, model.indexOf('/')) : 'unknown')

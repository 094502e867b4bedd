import { randomUUID } from 'node:crypto'
import type { AgentDefinition } from '../config/types'
import { AppError, messageOf } from '../errors'
import type { ModelResponse } from '../ports/model'
import type { StackEntry, StateInput, ToolCallSpec } from '../schema/states'
import type { AgentRef, RuntimeContext } from './context'
import { concludeAnswer, turnOrigin } from './conclude'
import { buildRequest, effectiveAgent } from './prompt'
import { turnsSinceUser } from './tail'

type Def<T extends AgentDefinition['type']> = Extract<AgentDefinition, { type: T }>

/** Pushes a final answer (with the metrics of the model call that gave it) and concludes the turn. */
function answerWith(ctx: RuntimeContext, at: AgentRef, def: AgentDefinition, content: string, meta: Record<string, unknown> | null = null, call?: ModelCall): void {
  ctx.push(at, [{ kind: 'assistant_message', content, meta }], call)
  concludeAnswer(ctx, at, def, ctx.deps.stacks.read(at.conversationId, at.agentId, at.branch))
}

/** Rule-based agent (§1.3): exact lower-cased lookup of the last message. */
export function ruleTurn(ctx: RuntimeContext, at: AgentRef, def: Def<'rule_based'>, entries: readonly StackEntry[]): void {
  const origin = turnOrigin(entries)
  const text = origin && 'text' in origin.state ? origin.state.text : null
  const reply = text === null ? 'No question provided.' : (def.rules[text.trim().toLowerCase()] ?? 'I don’t have a rule for that.')
  answerWith(ctx, at, def, reply)
}

/**
 * Human-in-the-loop agent: a message opens a request and the conversation pauses; the human's
 * `conversation answer` (a user_response) becomes the agent's answer.
 */
export function humanTurn(ctx: RuntimeContext, at: AgentRef, def: Def<'human_in_loop'>, trigger: StackEntry): void {
  if (trigger.state.kind === 'user_response') {
    answerWith(ctx, at, def, trigger.state.text)
    return
  }
  const question = 'text' in trigger.state ? trigger.state.text : ''
  const text = `${def.id} needs a human answer to: ${question}`
  ctx.push(at, [{ kind: 'user_input_request', text, correlationId: randomUUID().replaceAll('-', '') }])
  ctx.events.emit('input:requested', { ...at, text })
  ctx.tracing.endTurn(at, 'awaiting_human')
}

/**
 * One LLM turn: build the request (system prompt, persona, whole branch within budget), stream
 * the answer, then either push the final answer or the assistant message with **all** its tool
 * calls (each also as a ToolCall entry) and a Waiting with the tool deadline.
 */
export async function llmTurn(ctx: RuntimeContext, at: AgentRef, def: Def<'llm'>, branchEntries: readonly StackEntry[]): Promise<void> {
  let entries = branchEntries
  const { settings } = ctx.deps
  if (turnsSinceUser(entries) >= settings.maxTurnsPerMessage) {
    answerWith(ctx, at, def, `Stopped after ${settings.maxTurnsPerMessage} model turns without a final answer.`, { error: { code: 'TURN_LIMIT' } })
    return
  }
  const reflection = toolReflection(ctx, entries)
  if (reflection) {
    ctx.push(at, [reflection])
    entries = ctx.deps.stacks.read(at.conversationId, at.agentId, at.branch)
  }
  const overrides = ctx.deps.overrides.get(at.conversationId, at.agentId)?.values ?? {}
  const eff = effectiveAgent(def, overrides, settings)
  // Run-time tools (MCP servers) are loaded, their servers started, on first use.
  if (ctx.deps.tools.needsPrepare(eff.tools)) await ctx.deps.tools.prepare(eff.tools)
  const conv = ctx.conversation(at.conversationId)
  const seed = typeof conv.metadata.seed === 'number' ? conv.metadata.seed : undefined
  let response: ModelResponse
  const modelSpan = ctx.tracing.startModelCall(at, eff.model)
  try {
    const request = buildRequest(eff, entries, ctx.deps.templates, ctx.deps.tools, settings, seed)
    response = await ctx.deps.models(eff.model).complete(request, { onToken: (delta) => ctx.events.emit('token', { ...at, delta }), conversationId: at.conversationId })
  } catch (err) {
    ctx.tracing.modelFailed(at, modelSpan, err)
    if (!(err instanceof AppError)) throw err
    // A provider failure is recorded on the step as the agent's answer, so parents and rollouts go on.
    ctx.tx(() => answerWith(ctx, at, def, `⚠ ${err.code}: ${messageOf(err)}`, { error: { code: err.code, message: messageOf(err) } }))
    return
  }
  ctx.tracing.modelDone(modelSpan, response)
  const meta = response.offline ? { offline: true, model: response.model } : null
  const calls = toolCallsOf(response, entries)
  // The model call's metrics and everything the answer causes commit together.
  ctx.tx(() => {
    // The call's metrics are stored with the entry that answers it (one row, see migration 009).
    const call = modelCallOf(ctx, at, response)
    if (calls.length === 0) {
      answerWith(ctx, at, def, response.message.content.trim(), meta, call)
      return
    }
    ctx.push(at, [
      { kind: 'assistant_message', content: response.message.content || null, toolCalls: calls, meta },
      ...calls.map((c): StateInput => ({ kind: 'tool_call', id: c.id, name: c.name, arguments: c.arguments })),
      { kind: 'waiting', waitingFor: 'tool', deadline: ctx.deps.clock.now() + settings.toolTimeoutMs, correlationId: calls[0]!.id },
    ], call)
  })
  if (calls.length > 0) ctx.wake(at)
}

/**
 * When the newest entries are results of tools declared `reflect`, the prompt asking the model to
 * review them (reflection/tool.j2), once per result.
 */
function toolReflection(ctx: RuntimeContext, entries: readonly StackEntry[]): StateInput | null {
  const last = entries[entries.length - 1]
  if (!last || last.state.kind !== 'tool_result' || last.state.status !== 'ok') return null
  const tool = ctx.deps.tools.get(last.state.toolName)
  if (!tool?.reflect) return null
  const text = ctx.deps.templates.toolReflection(last.state.toolName, last.state.arguments ?? {}, last.state.result)
  return { kind: 'user_message', text, meta: `reflection:${last.state.toolName}` }
}

/** The model's tool calls with parsed arguments and ids unique on the branch. */
function toolCallsOf(response: ModelResponse, entries: readonly StackEntry[]): ToolCallSpec[] {
  const used = new Set(entries.flatMap((e) => (e.state.kind === 'tool_call' ? [e.state.id] : [])))
  return response.message.toolCalls.map((c) => {
    let args: Record<string, unknown>
    try {
      const parsed: unknown = c.arguments.trim() ? JSON.parse(c.arguments) : {}
      args = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { __raw_arguments: c.arguments }
    } catch {
      args = { __raw_arguments: c.arguments }
    }
    let id = c.id || `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`
    while (used.has(id)) id = `${c.id || 'call'}_${randomUUID().slice(0, 8)}`
    used.add(id)
    return { id, name: c.name, arguments: args }
  })
}

type ModelCall = NonNullable<Parameters<RuntimeContext['push']>[2]>

/** The metrics of a model call (a `metrics` artifact with role `model_call`), and its event. */
function modelCallOf(ctx: RuntimeContext, at: AgentRef, r: ModelResponse): ModelCall {
  const payload = {
    model: r.model, provider: r.provider, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens,
    costUsd: r.costUsd, latencyMs: r.latencyMs, offline: r.offline, replayed: r.replayed ?? false,
  }
  const tags = ['model_call', r.model, ...(r.offline ? ['offline'] : [])]
  if (ctx.events.wants('model:call')) ctx.events.emit('model:call', { ...at, model: r.model, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens, costUsd: r.costUsd, latencyMs: r.latencyMs, offline: r.offline })
  return { payload, tags }
}

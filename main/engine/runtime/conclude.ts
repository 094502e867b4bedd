import type { AgentDefinition } from '../config/types'
import type { StackEntry } from '../schema/states'
import type { AgentRef, RuntimeContext } from './context'
import { CRITIQUE_META, delegationOf, deliverToParent, depthOf, startCritique } from './delegation'

const isReflection = (e: StackEntry): boolean =>
  e.state.kind === 'user_message' && typeof e.state.meta === 'string' && e.state.meta.startsWith('reflection')

/**
 * The message that started the current task: the newest user message that is not a reflection
 * prompt (a human's `user_response` answers a request inside the task, it does not start one).
 */
export function turnOrigin(entries: readonly StackEntry[]): StackEntry | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!
    if (e.state.kind === 'user_message' && !isReflection(e)) return e
  }
  return null
}

const textOf = (e: StackEntry | undefined): string =>
  e && e.state.kind === 'assistant_message' ? (e.state.content ?? '') : ''

/**
 * After an agent produced a final answer (no tool calls): self-reflection if the agent has it,
 * then delivery: to the parent for a delegated task, as the conversation's reply for the root.
 * @param entries the branch including the answer just pushed.
 */
export function concludeAnswer(ctx: RuntimeContext, at: AgentRef, def: AgentDefinition, entries: readonly StackEntry[]): void {
  const answer = entries[entries.length - 1]!
  let text = textOf(answer)
  const origin = turnOrigin(entries)
  const originIdx = origin ? entries.indexOf(origin) : -1
  const since = entries.slice(originIdx + 1)

  if (def.type === 'llm' && def.enable_self_reflection) {
    const prompts = since.filter(isReflection)
    const answersAReflection = since.length >= 2 && isReflection(since[since.length - 2]!)
    if (answersAReflection && /\bGOOD\b/.test(text)) {
      // The model approved its previous answer: deliver that one.
      const previous = since.slice(0, -2).reverse().find((e) => e.state.kind === 'assistant_message' && e.state.toolCalls.length === 0)
      text = textOf(previous) || text
    } else if (prompts.length < ctx.deps.settings.maxReflections) {
      ctx.push(at, [{ kind: 'user_message', text: ctx.deps.templates.selfReflection(text), meta: 'reflection' }])
      ctx.wake(at)
      return
    }
  }

  // A reflection agent critiques the answer once per task; the critique comes back as a prompt.
  if (def.type === 'llm' && def.reflection_agent_id && !since.some(isCritique) && !since.some(isCritiqueRequest)) {
    if (startCritique(ctx, at, def.reflection_agent_id, text, depthOf(origin))) return
  }
  deliverAnswer(ctx, at, origin, text)
}

const isCritique = (e: StackEntry): boolean => e.state.kind === 'user_message' && e.state.meta === CRITIQUE_META
const isCritiqueRequest = (e: StackEntry): boolean => e.state.kind === 'agent_call' && e.state.correlationId.startsWith('critique_')

/** Delivers the task's final answer: to the parent of a delegated task, as the reply of the root. */
export function deliverAnswer(ctx: RuntimeContext, at: AgentRef, origin: StackEntry | null, text: string): void {
  const delegation = delegationOf(origin)
  ctx.tracing.endTurn(at, 'answered')
  if (delegation) {
    if (ctx.events.wants('answer')) ctx.events.emit('answer', { ...at, text, root: false })
    ctx.push(at, [{ kind: 'finished', reason: 'answered' }])
    deliverToParent(ctx, at, delegation, text)
    return
  }
  if (ctx.events.wants('answer')) ctx.events.emit('answer', { ...at, text, root: true })
  const conv = ctx.conversation(at.conversationId)
  if (conv.metadata.finishOnAnswer === true) ctx.push(at, [{ kind: 'finished', reason: 'answered' }])
}

/**
 * The answer waiting for a critique whose reflection agent missed the deadline, if any; the
 * runtime then delivers the answer without the critique.
 */
export function expiredCritique(ctx: RuntimeContext, entries: readonly StackEntry[]): string | null {
  const last = entries.length - 1
  const call = entries[last - 1]
  const wait = entries[last]
  if (!call || !wait || call.state.kind !== 'agent_call' || wait.state.kind !== 'waiting' || !isCritiqueRequest(call)) return null
  if (wait.state.deadline > ctx.deps.clock.now()) return null
  const answer = entries[last - 2]
  return answer?.state.kind === 'assistant_message' ? (answer.state.content ?? '') : ''
}

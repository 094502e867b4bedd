import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { StackEntry } from '../schema/states'
import { asAgentId, asBranchId, type AgentId } from '../schema/states'
import type { DelegationRequest } from '../tools/types'
import { keyOf, type AgentRef, type RuntimeContext } from './context'
import type { OpenCall } from './tail'

/** Stored on the child's user message: where its answer goes. */
export const DelegationMetaSchema = z.object({
  delegation: z.object({
    parent: z.string(),
    parentBranch: z.string(),
    /** The parent's `delegate` call id, also the correlation id. */
    correlationId: z.string(),
    depth: z.number().int().nonnegative(),
    /** `critique`: a reflection agent reviewing the parent's answer. */
    purpose: z.enum(['task', 'critique']).default('task'),
  }),
})
export type DelegationMeta = z.infer<typeof DelegationMetaSchema>['delegation']

/** The delegation a message came from, if any. */
export function delegationOf(entry: StackEntry | null): DelegationMeta | null {
  if (!entry || entry.state.kind !== 'user_message') return null
  const meta = entry.state.meta
  // Most messages carry no delegation: answered without a failing parse (zod builds its failure lazily, still ~1 µs).
  if (meta === null || typeof meta !== 'object' || !('delegation' in meta)) return null
  const r = DelegationMetaSchema.safeParse(meta)
  return r.success ? r.data.delegation : null
}

/** Meta of the user message that brings a reflection agent's critique back to the agent. */
export const CRITIQUE_META = 'reflection:critique'

/**
 * Asks the agent's reflection agent to critique `answer` (like a delegation, purpose `critique`).
 * @returns false when the reflection agent is unknown or the chain too deep (the answer is delivered as is).
 */
export function startCritique(ctx: RuntimeContext, at: AgentRef, critic: string, answer: string, depth: number): boolean {
  if (!ctx.agent(critic) || critic === at.agentId || depth >= ctx.deps.settings.maxDelegationDepth) return false
  const correlationId = `critique_${randomUUID().replaceAll('-', '')}`
  const deadline = ctx.deps.clock.now() + ctx.deps.settings.delegationTimeoutMs
  const message = `Critique the following response: ${answer}`
  ctx.push(at, [
    { kind: 'agent_call', agentId: critic, message, correlationId },
    { kind: 'waiting', waitingFor: 'agent', deadline, correlationId },
  ])
  ctx.scheduler.scheduleAt(keyOf(at), deadline)
  const criticAt = { conversationId: at.conversationId, agentId: asAgentId(critic), branch: ctx.deps.stacks.currentBranch(at.conversationId, asAgentId(critic)) }
  const meta = { delegation: { parent: at.agentId, parentBranch: at.branch, correlationId, depth: depth + 1, purpose: 'critique' } }
  ctx.tracing.startDelegation(at, correlationId, critic, depth + 1, 'critique')
  ctx.push(criticAt, [{ kind: 'user_message', text: message, meta }])
  if (ctx.events.wants('delegated')) ctx.events.emit('delegated', { ...at, child: critic, message, correlationId })
  ctx.wake(criticAt)
  return true
}

/** Depth of the agent's current task in a delegation chain (0 for the root). */
export const depthOf = (origin: StackEntry | null): number => (delegationOf(origin)?.depth ?? -1) + 1

/**
 * Starts a delegation asked for by `call` (a `delegate` tool call of the agent at `at`): the
 * parent records an AgentCall and a Waiting with the deadline, the child gets the message as
 * a user message on its checked-out branch. The tool result arrives when the child answers.
 * @returns an error text when the delegation is refused (unknown agent, self, too deep).
 */
export function startDelegation(ctx: RuntimeContext, at: AgentRef, call: OpenCall, req: DelegationRequest, depth: number, purpose: 'task' | 'critique' = 'task'): string | null {
  const child = req.childAgentId
  if (!ctx.agent(child)) {
    const known = ctx.deps.agents.map((a) => a.id).join(', ')
    return `unknown agent "${child}"; configured agents: ${known}`
  }
  if (child === at.agentId) return `an agent cannot delegate to itself (${child})`
  if (depth >= ctx.deps.settings.maxDelegationDepth) return `delegation chain too deep (${depth} levels); answer directly instead`
  const correlationId = call.spec.id
  const deadline = ctx.deps.clock.now() + ctx.deps.settings.delegationTimeoutMs
  ctx.push(at, [
    { kind: 'agent_call', agentId: child, message: req.message, correlationId },
    { kind: 'waiting', waitingFor: 'agent', deadline, correlationId },
  ])
  ctx.scheduler.scheduleAt(keyOf(at), deadline)
  const childAgent = asAgentId(child)
  const childBranch = ctx.deps.stacks.currentBranch(at.conversationId, childAgent)
  const meta = { delegation: { parent: at.agentId, parentBranch: at.branch, correlationId, depth: depth + 1, purpose } }
  const childAt = { conversationId: at.conversationId, agentId: childAgent, branch: childBranch }
  ctx.tracing.startDelegation(at, correlationId, child, depth + 1, purpose)
  ctx.push(childAt, [{ kind: 'user_message', text: req.message, meta }])
  if (ctx.events.wants('delegated')) ctx.events.emit('delegated', { ...at, child, message: req.message, correlationId })
  ctx.wake(childAt)
  return null
}

/**
 * Delivers a child's final answer to the parent's branch that asked: an AgentResult plus the
 * `delegate` tool result, so the parent's model gets a turn with it (fixing the original, where
 * the parent echoed the answer and never continued). A late answer after a timeout is dropped.
 */
export function deliverToParent(ctx: RuntimeContext, child: AgentRef, meta: DelegationMeta, answer: string, status: 'ok' | 'error' = 'ok'): boolean {
  const parent = { conversationId: child.conversationId, agentId: asAgentId(meta.parent) as AgentId, branch: asBranchId(meta.parentBranch) }
  const entries = ctx.deps.stacks.read(parent.conversationId, parent.agentId, parent.branch)
  if (entries.some((e) => (e.state.kind === 'tool_result' && e.state.toolCallId === meta.correlationId) || (e.state.kind === 'agent_result' && e.state.correlationId === meta.correlationId))) return false
  ctx.tracing.endDelegation(child.conversationId, meta.parent, meta.correlationId, status)
  if (meta.purpose === 'critique') {
    ctx.push(parent, [
      { kind: 'agent_result', correlationId: meta.correlationId, agentId: child.agentId, status, result: { content: answer } },
      { kind: 'user_message', text: `Critique from ${child.agentId}: ${answer}\nRevise your previous answer if the critique is right, otherwise repeat it.`, meta: CRITIQUE_META },
    ])
    ctx.scheduler.cancelDeadline(keyOf(parent))
    ctx.wake(parent)
    return true
  }
  ctx.push(parent, [
    { kind: 'agent_result', correlationId: meta.correlationId, agentId: child.agentId, status, result: { content: answer } },
    status === 'ok'
      ? { kind: 'tool_result', toolCallId: meta.correlationId, toolName: 'delegate', status: 'ok', result: { status: 'success', child: child.agentId, answer } }
      : { kind: 'tool_result', toolCallId: meta.correlationId, toolName: 'delegate', status: 'error', error: { code: 'CHILD_FAILED', message: answer } },
  ])
  ctx.scheduler.cancelDeadline(keyOf(parent))
  ctx.wake(parent)
  return true
}

/** Pushes timeout results for delegations whose deadline passed; re-arms the timer for the rest. */
export function expireDelegations(ctx: RuntimeContext, at: AgentRef, waiting: { call: OpenCall; deadline: number; child: string }[]): void {
  const now = ctx.deps.clock.now()
  let expired = false
  for (const w of waiting) {
    if (w.deadline > now) {
      ctx.scheduler.scheduleAt(keyOf(at), w.deadline)
      continue
    }
    const seconds = Math.round(ctx.deps.settings.delegationTimeoutMs / 1000)
    ctx.push(at, [
      { kind: 'agent_result', correlationId: w.call.spec.id, agentId: w.child, status: 'timeout', result: { status: 'timeout', message: 'Agent response timeout' } },
      { kind: 'tool_result', toolCallId: w.call.spec.id, toolName: 'delegate', status: 'error', error: { code: 'TIMEOUT', message: `agent ${w.child} did not answer within ${seconds} s` } },
    ])
    ctx.tracing.endDelegation(at.conversationId, at.agentId, w.call.spec.id, 'timeout')
    expired = true
  }
  if (expired) ctx.wake(at)
}

import { UserInputError } from '../errors'
import type { StackEntry, StateInput } from '../schema/states'
import { asAgentId } from '../schema/states'
import { keyOf, SEP, type AgentRef, type RuntimeContext } from './context'
import { turnOrigin } from './conclude'
import { delegationOf, deliverToParent, depthOf } from './delegation'
import { branchStatus, type BranchStatus } from './tail'

/** What a branch that stopped moving can be asked to do. */
export interface StuckInfo {
  /** The branch owes work (a turn, tool results or a delegation's answer) ... */
  pending: boolean
  /** ... and nothing in this process works on the conversation, so it would wait forever. */
  stuck: boolean
}

/** True when some agent of the conversation waits for a human (a parent waiting on it is not stuck). */
function humanAwaited(ctx: RuntimeContext, conversationId: AgentRef['conversationId']): boolean {
  const { stacks } = ctx.deps
  return stacks.agentsOf(conversationId).some((agent) => {
    const tail = stacks.read(conversationId, agent, stacks.currentBranch(conversationId, agent), { limit: 40 })
    return branchStatus(tail).kind === 'awaiting_human'
  })
}

/**
 * Whether the branch at `at` is stuck: it owes a turn or tool results, but no step, tool call or
 * delegated child in this process works on its conversation (e.g. the CLI rewound it onto a
 * tool call, or the process that ran the tools stopped).
 */
export function stuckInfo(ctx: RuntimeContext, at: AgentRef, status: BranchStatus['kind']): StuckInfo {
  const pending = status === 'needs_turn' || status === 'awaiting_tools'
  if (!pending) return { pending, stuck: false }
  // Nothing queued, running or held for the conversation: no step, tool call or child works on it.
  return { pending, stuck: ctx.scheduler.isIdle(at.conversationId) && !humanAwaited(ctx, at.conversationId) }
}

/** The child's entries of the task a delegation started, if the child's checked-out branch has it. */
function childTask(ctx: RuntimeContext, parent: AgentRef, childId: string, correlationId: string): { child: AgentRef; entries: StackEntry[]; start: number } | null {
  const child = { conversationId: parent.conversationId, agentId: asAgentId(childId), branch: ctx.deps.stacks.currentBranch(parent.conversationId, asAgentId(childId)) }
  const entries = ctx.deps.stacks.read(child.conversationId, child.agentId, child.branch)
  const start = entries.findIndex((e) => delegationOf(e)?.correlationId === correlationId)
  return start === -1 ? null : { child, entries, start }
}

/**
 * Resume: runs the branch's pending work again. Tool calls go through the normal step (their
 * idempotency keys derive from the shared ToolCall entry, so a payment that already happened is
 * not made twice); a delegation whose child lost the task (e.g. its branch was rewound) gets the
 * message again, and a child that answered but never delivered delivers now.
 * @returns the number of delegations re-sent or delivered.
 */
export function resumeBranch(ctx: RuntimeContext, at: AgentRef): number {
  const entries = ctx.deps.stacks.read(at.conversationId, at.agentId, at.branch)
  const status = branchStatus(entries)
  if (status.kind !== 'needs_turn' && status.kind !== 'awaiting_tools') {
    throw new UserInputError(`${at.agentId} on branch ${at.branch} has nothing pending (status ${status.kind}); send a message instead`, 'NOTHING_PENDING')
  }
  let touched = 0
  if (status.kind === 'awaiting_tools') {
    for (const call of status.missing) {
      const started = status.delegations.get(call.spec.id)
      if (!started || started.state.kind !== 'agent_call') continue
      const childId = started.state.agentId
      const task = childTask(ctx, at, childId, call.spec.id)
      const meta = { parent: at.agentId, parentBranch: at.branch, correlationId: call.spec.id, depth: depthOf(turnOrigin(entries)) + 1, purpose: 'task' as const }
      if (task) {
        const after = task.entries.slice(task.start + 1)
        const answer = [...after].reverse().find((e) => e.state.kind === 'assistant_message' && e.state.toolCalls.length === 0)
        const finished = after.some((e) => e.state.kind === 'finished')
        if (answer && finished && answer.state.kind === 'assistant_message') {
          deliverToParent(ctx, task.child, delegationOf(task.entries[task.start]!) ?? meta, answer.state.content ?? '')
          touched++
        } else {
          ctx.wake(task.child)
        }
        continue
      }
      const child = { conversationId: at.conversationId, agentId: asAgentId(childId), branch: ctx.deps.stacks.currentBranch(at.conversationId, asAgentId(childId)) }
      ctx.push(child, [{ kind: 'user_message', text: started.state.message, meta: { delegation: meta } }])
      ctx.wake(child)
      // The child's work restarts now, so the parent's wait restarts too.
      const deadline = ctx.deps.clock.now() + ctx.deps.settings.delegationTimeoutMs
      ctx.push(at, [{ kind: 'waiting', waitingFor: 'agent', deadline, correlationId: call.spec.id }])
      ctx.scheduler.scheduleAt(keyOf(at), deadline)
      touched++
    }
  }
  ctx.wake(at)
  return touched
}

/** Text of the answer that closes a cancelled turn. */
export const cancelledText = (names: readonly string[]): string =>
  names.length ? `Cancelled: ${names.join(', ')} did not run to the end, so this turn has no answer.` : 'Cancelled before an answer was written.'

/**
 * Cancel: answers the branch's open tool calls and delegations as cancelled and closes the turn
 * with a short assistant message, so the branch is idle and takes messages again. Refused while
 * work on the conversation still runs in this process (its results would arrive after the cancel).
 */
export function cancelBranch(ctx: RuntimeContext, at: AgentRef): void {
  const entries = ctx.deps.stacks.read(at.conversationId, at.agentId, at.branch)
  const status = branchStatus(entries)
  if (status.kind !== 'needs_turn' && status.kind !== 'awaiting_tools') {
    throw new UserInputError(`${at.agentId} on branch ${at.branch} has nothing pending to cancel (status ${status.kind})`, 'NOTHING_PENDING')
  }
  if (!ctx.scheduler.isIdle(`${at.conversationId}${SEP}${at.agentId}`) || [...ctx.inFlight].some((k) => k.startsWith(keyOf(at)))) {
    throw new UserInputError(`${at.agentId} is working on branch ${at.branch} right now; wait for it, or cancel once it is stuck`, 'BUSY')
  }
  const states: StateInput[] = []
  const names: string[] = []
  if (status.kind === 'awaiting_tools') {
    for (const call of status.missing) {
      const started = status.delegations.get(call.spec.id)
      const error = { code: 'CANCELLED', message: 'cancelled by the user' }
      if (started && started.state.kind === 'agent_call') {
        states.push({ kind: 'agent_result', correlationId: call.spec.id, agentId: started.state.agentId, status: 'error', result: { status: 'cancelled', message: error.message } })
        names.push(`delegation to ${started.state.agentId}`)
        ctx.tracing.endDelegation(at.conversationId, at.agentId, call.spec.id, 'cancelled')
      } else {
        names.push(call.spec.name)
      }
      states.push({ kind: 'tool_result', toolCallId: call.spec.id, toolName: call.spec.name, status: 'error', error, arguments: call.spec.arguments, reward: 0 })
    }
  }
  states.push({ kind: 'assistant_message', content: cancelledText(names), meta: { cancelled: true } })
  ctx.tx(() => ctx.push(at, states))
  ctx.scheduler.cancelDeadline(keyOf(at))
  ctx.tracing.endTurn(at, 'cancelled')
  ctx.events.emit('answer', { ...at, text: cancelledText(names), root: !delegationOf(turnOrigin(entries)) })
}

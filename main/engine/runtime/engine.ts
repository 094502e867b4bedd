import type { AgentDefinition } from '../config/types'
import { UserInputError } from '../errors'
import type { Conversation } from '../ports/stacks'
import { asAgentId, type AgentId, type ConversationId } from '../schema/states'
import { stepAgent } from './agentStep'
import { keyOf, refOf, SEP, type AgentRef, type RuntimeContext, type RuntimeDeps } from './context'
import { EngineEvents } from './events'
import { cancelBranch, resumeBranch, stuckInfo, type StuckInfo } from './recover'
import { LruMap } from './lru'
import { Scheduler } from './scheduler'
import { branchStatus } from './tail'
import { EngineTracing } from './tracing'

export { EngineEvents }

export interface StartConversation {
  agentId: string
  /** Unique; defaults to the id. */
  name?: string
  id?: string
  /** `finishOnAnswer: true` ends the root's branch after its answer (rollouts); chats stay open. */
  metadata?: Record<string, unknown>
}

/**
 * The engine: conversations of agents that chat, call tools, delegate and pay. Event driven:
 * every push that needs work schedules a step of that agent's branch; deadlines fire from one
 * timer; every state is in the StackStore (SQLite) before anyone sees it, so `resume()` after a
 * crash continues from the stored entries.
 */
export class Engine {
  readonly events = new EngineEvents()
  private readonly scheduler: Scheduler
  private readonly ctx: RuntimeContext
  private readonly agents: Map<string, AgentDefinition>
  /** Conversations by id, bounded: a long-running app or worker keeps flat memory however many finish. */
  private readonly conversations = new LruMap<string, Conversation>(1024)
  /** OpenTelemetry spans of this engine's turns (no-op unless an SDK is registered). */
  readonly tracing: EngineTracing = new EngineTracing((id) => this.ctx.conversation(id).metadata)

  constructor(readonly deps: RuntimeDeps) {
    this.agents = new Map(deps.agents.map((a) => [a.id, a]))
    const group = deps.groupCommit
    if (group) {
      this.events.holdWhile = () => group.pending()
      group.onCommit((error) => {
        this.events.release(error === null)
        if (error !== null) this.events.emit('error', { key: '', error })
      })
    }
    const tx = group ? <T>(fn: () => T): T => group.run(fn) : (deps.transaction ?? (<T>(fn: () => T): T => fn()))
    this.scheduler = new Scheduler(
      (key) => stepAgent(this.ctx, refOf(key)),
      deps.clock,
      64,
      (key, error) => {
        this.tracing.stepFailed(key, error)
        this.events.emit('error', { key, error })
      },
    )
    this.ctx = {
      deps,
      events: this.events,
      scheduler: this.scheduler,
      inFlight: new Set(),
      push: (at, states, modelCall) => {
        const r = tx(() => deps.stacks.push(at.conversationId, at.agentId, states, modelCall ? { branch: at.branch, modelCall } : { branch: at.branch }))
        if (this.events.wants('entry')) for (const entry of r.entries) this.events.emit('entry', { ...at, entry })
        return r
      },
      wake: (at) => this.scheduler.schedule(keyOf(at)),
      agent: (id) => this.agents.get(id),
      conversation: (id) => {
        let c = this.conversations.get(id)
        if (!c) {
          c = deps.stacks.getConversation(id)
          this.conversations.set(id, c)
        }
        return c
      },
      tx,
      flush: () => group?.flush(),
      committed: () => (group ? group.whenCommitted() : Promise.resolve()),
      tracing: this.tracing,
    }
  }

  /** Configured agent ids. */
  agentIds(): string[] {
    return [...this.agents.keys()]
  }

  /** The configured agent, or a UserInputError listing the known ones. */
  requireAgent(agentId: string): AgentDefinition {
    const def = this.agents.get(agentId)
    if (!def) throw new UserInputError(`unknown agent "${agentId}"; configured agents: ${this.agentIds().join(', ')}`, 'UNKNOWN_AGENT')
    return def
  }

  startConversation(input: StartConversation): Conversation {
    this.requireAgent(input.agentId)
    return this.ctx.tx(() => this.deps.stacks.createConversation({
      name: input.name ?? input.id ?? `chat_${Date.now().toString(36)}`,
      rootAgent: input.agentId,
      ...(input.id ? { id: input.id } : {}),
      metadata: input.metadata ?? {},
    }))
  }

  /** Where a message to the conversation goes: the root (or `agentId`) on its checked-out branch. */
  target(conversation: string, agentId?: string): AgentRef {
    const conv = this.deps.stacks.getConversation(conversation)
    const agent = asAgentId(agentId ?? conv.rootAgent)
    if (agentId) this.requireAgent(agentId)
    return { conversationId: conv.id, agentId: agent, branch: this.deps.stacks.currentBranch(conv.id, agent) }
  }

  /**
   * Sends a user message. Refused while the previous one is still being worked on or while a
   * human answer is awaited (use {@link answer}).
   */
  send(conversation: string, text: string, options: { agentId?: string } = {}): AgentRef {
    if (text.trim() === '') throw new UserInputError('message is empty', 'EMPTY_MESSAGE')
    const at = this.target(conversation, options.agentId)
    const status = branchStatus(this.deps.stacks.read(at.conversationId, at.agentId, at.branch)).kind
    if (status === 'needs_turn' || status === 'awaiting_tools' || !this.scheduler.isIdle(keyOf(at))) {
      throw new UserInputError(`the previous message to ${at.agentId} is still being worked on; wait for its answer or rewind the conversation`, 'PENDING')
    }
    if (status === 'awaiting_human') {
      throw new UserInputError(`${at.agentId} is waiting for a human answer; use \`p2engine conversation answer ${conversation} TEXT\``, 'AWAITING_HUMAN')
    }
    this.ctx.push(at, [{ kind: 'user_message', text, meta: null }])
    this.ctx.wake(at)
    return at
  }

  /** Answers the open human-in-the-loop request of the conversation (any agent, checked-out branches). */
  answer(conversation: string, text: string): AgentRef {
    const conv = this.deps.stacks.getConversation(conversation)
    for (const agent of this.deps.stacks.agentsOf(conv.id)) {
      const at = { conversationId: conv.id, agentId: agent, branch: this.deps.stacks.currentBranch(conv.id, agent) }
      const status = branchStatus(this.deps.stacks.read(at.conversationId, at.agentId, at.branch))
      if (status.kind !== 'awaiting_human') continue
      const correlationId = status.request.state.kind === 'user_input_request' ? status.request.state.correlationId : null
      this.ctx.push(at, [{ kind: 'user_response', text, correlationId }])
      this.ctx.wake(at)
      return at
    }
    throw new UserInputError(`conversation ${conv.name} is not waiting for a human answer`, 'NOT_AWAITING_HUMAN')
  }

  /** Schedules every agent of the conversation(s) on its checked-out branch: continues after a crash or restart. */
  resume(conversationId?: string): number {
    const convs = conversationId ? [this.deps.stacks.getConversation(conversationId)] : this.deps.stacks.listConversations()
    let n = 0
    for (const c of convs) {
      for (const agent of this.deps.stacks.agentsOf(c.id)) {
        this.scheduler.schedule(keyOf({ conversationId: c.id, agentId: agent, branch: this.deps.stacks.currentBranch(c.id, agent) }))
        n++
      }
    }
    return n
  }

  /**
   * Resolves when the conversation (or one agent of it, or everything) has no queued, running or
   * in-flight work. Open deadlines and human requests don't count as work.
   */
  whenIdle(conversationId?: ConversationId | string, agentId?: string): Promise<void> {
    const id = conversationId ? (this.deps.stacks.findConversation(String(conversationId))?.id ?? String(conversationId)) : ''
    const group = id ? (agentId ? `${id}${SEP}${agentId}` : id) : ''
    // Idle means durable too. While other work is in flight it waits for the batch's own
    // end-of-turn commit, which conversations finishing together share; when nothing else runs
    // (nothing could join the batch) it commits at once.
    return this.scheduler.whenIdle(group).then(() => (this.scheduler.isIdle() ? this.ctx.flush() : this.ctx.committed()))
  }

  /**
   * Whether an agent's branch owes work that nothing in this process does (see `recover.ts`);
   * `branch` defaults to the checked-out one.
   */
  stuck(conversationId: string, agentId?: string, branch?: string): StuckInfo {
    const at = this.target(conversationId, agentId)
    const ref = branch ? { ...at, branch: branch as AgentRef['branch'] } : at
    return stuckInfo(this.ctx, ref, branchStatus(this.deps.stacks.read(ref.conversationId, ref.agentId, ref.branch, { limit: 40 })).kind)
  }

  /** Re-runs the pending tool calls and delegation of an agent's checked-out branch (idempotent). */
  resumeStuck(conversationId: string, agentId?: string): AgentRef {
    const at = this.target(conversationId, agentId)
    resumeBranch(this.ctx, at)
    return at
  }

  /** Answers the open tool calls and delegations of an agent's checked-out branch as cancelled; the branch is idle after. */
  cancelPending(conversationId: string, agentId?: string): AgentRef {
    const at = this.target(conversationId, agentId)
    cancelBranch(this.ctx, at)
    return at
  }

  /** Status of one agent's checked-out branch. */
  status(conversationId: string, agentId: AgentId | string) {
    const at = this.target(conversationId, agentId)
    return branchStatus(this.deps.stacks.read(at.conversationId, at.agentId, at.branch))
  }

  close(): void {
    this.ctx.flush()
    this.scheduler.close()
    this.tracing.close()
    this.events.removeAllListeners()
  }
}

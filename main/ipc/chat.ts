import type { ConversationSummary } from '../../preload/contract'
import type { Conversation } from '../engine/ports/stacks'
import { branchStatus } from '../engine/runtime/tail'
import { UserInputError } from '../engine/errors'
import { asBranchId } from '../engine/schema/states'
import type { Engine } from '../engine/runtime/engine'
import { modelInfo } from './chatModel'
import { withChildSteps } from './chatNesting'
import { toChatMessages } from './chatView'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type ChatChannel = Extract<keyof HandlerTable, `chat:${string}` | `agents:${string}`>

const TITLE_MAX = 80
const firstLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > TITLE_MAX ? `${flat.slice(0, TITLE_MAX - 1)}…` : flat
}

/**
 * The list's title: the name given on rename; for a conversation whose name was made up (the app's
 * "New chat", or the id) the first user message of the root's main branch; else the name.
 */
function titleOf(engine: Engine, c: Conversation): string {
  if (typeof c.metadata.title === 'string' && c.metadata.title.trim()) return c.metadata.title
  if (c.metadata.autoName !== true && c.name !== c.id) return c.name
  const { stacks } = engine.deps
  const length = stacks.length(c.id, c.rootAgent, asBranchId('main'))
  const head = length ? stacks.read(c.id, c.rootAgent, asBranchId('main'), { from: 0, to: Math.min(length, 4) - 1 }) : []
  const first = head.find((e) => e.state.kind === 'user_message')
  return first && first.state.kind === 'user_message' && first.state.text.trim() ? firstLine(first.state.text) : c.name
}

/** Summary of one conversation: root agent's checked-out branch, its length and status. */
export function summarize(engine: Engine, c: Conversation): ConversationSummary {
  const { stacks } = engine.deps
  const branch = stacks.currentBranch(c.id, c.rootAgent)
  const length = stacks.length(c.id, c.rootAgent, branch)
  const tail = length ? stacks.read(c.id, c.rootAgent, branch, { limit: 40 }) : []
  return {
    id: c.id,
    name: c.name,
    rootAgent: c.rootAgent,
    createdAt: c.createdAt,
    branch,
    length,
    status: branchStatus(tail).kind,
    rollout: typeof c.metadata.rolloutId === 'string' || c.metadata.finishOnAnswer === true,
    title: titleOf(engine, c),
    stuck: engine.stuck(c.id).stuck,
  }
}

/** Handlers of `agents:list` and `chat:*`. */
export function chatHandlers(services: AppServices): Pick<HandlerTable, ChatChannel> {
  const engine = () => requireEngine(services)
  return {
    'agents:list': () =>
      (services.engine?.deps.agents ?? services.config.agents).map((a) => ({
        id: a.id,
        type: a.type,
        model: a.type === 'llm' ? a.llm_model : null,
        tools: a.type === 'llm' ? a.tools : [],
        persona: a.type === 'llm' ? a.behavior_template : null,
      })),
    'chat:list': (input) => {
      const e = engine()
      return e.deps.stacks
        .listConversations()
        .map((c) => summarize(e, c))
        .filter((c) => input.includeRollouts || !c.rollout)
        .sort((a, b) => b.createdAt - a.createdAt)
    },
    'chat:create': (input) => {
      const e = engine()
      const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ')
      const conv = input.name
        ? e.startConversation({ agentId: input.agentId, name: input.name })
        : e.startConversation({ agentId: input.agentId, name: `${input.agentId} · ${stamp} · ${Math.random().toString(36).slice(2, 6)}`, metadata: { autoName: true } })
      return summarize(e, conv)
    },
    'chat:send': (input) => engine().send(input.conversationId, input.text, input.agentId ? { agentId: input.agentId } : {}),
    'chat:answer': (input) => engine().answer(input.conversationId, input.text),
    'chat:messages': (input) => {
      const e = engine()
      const at = e.target(input.conversationId, input.agentId)
      const branch = input.branch ? asBranchId(input.branch) : at.branch
      const { stacks } = e.deps
      const total = stacks.length(at.conversationId, at.agentId, branch)
      const entries = total ? stacks.read(at.conversationId, at.agentId, branch, input.limit ? { limit: input.limit } : {}) : []
      const tail = entries.length === total ? entries : stacks.read(at.conversationId, at.agentId, branch, { limit: 40 })
      const status = branchStatus(tail).kind
      return {
        conversationId: at.conversationId,
        agentId: at.agentId,
        branch,
        total,
        status,
        agents: stacks.agentsOf(at.conversationId),
        messages: withChildSteps(stacks, at.conversationId, toChatMessages(entries)),
        stuck: branch === at.branch && e.stuck(at.conversationId, at.agentId).stuck,
        model: modelInfo(e, { ...at, branch }, tail),
      }
    },
    'chat:rename': (input) => {
      const e = engine()
      return summarize(e, e.deps.stacks.renameConversation(input.conversationId, input.name))
    },
    'chat:delete': (input) => {
      const e = engine()
      const conv = e.deps.stacks.getConversation(input.conversationId)
      if (summarize(e, conv).rollout) {
        throw new UserInputError(`conversation ${conv.name} belongs to a rollout and stays with its results; only chats can be deleted`, 'ROLLOUT_CONVERSATION')
      }
      if (e.stuck(conv.id).pending && !e.stuck(conv.id).stuck) {
        throw new UserInputError(`conversation ${conv.name} is still working; wait for its answer or cancel it first`, 'BUSY')
      }
      e.deps.stacks.deleteConversation(conv.id)
      return { deleted: conv.id }
    },
    'chat:resume': (input) => engine().resumeStuck(input.conversationId, input.agentId),
    'chat:cancel': (input) => engine().cancelPending(input.conversationId, input.agentId),
  }
}

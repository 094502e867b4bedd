import type { ConversationSummary } from '../../preload/contract'
import type { Conversation } from '../engine/ports/stacks'
import { branchStatus } from '../engine/runtime/tail'
import { asBranchId } from '../engine/schema/states'
import type { Engine } from '../engine/runtime/engine'
import { toChatMessages } from './chatView'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type ChatChannel = Extract<keyof HandlerTable, `chat:${string}` | `agents:${string}`>

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
      const conv = e.startConversation({ agentId: input.agentId, name: input.name ?? `${input.agentId} · ${stamp} · ${Math.random().toString(36).slice(2, 6)}` })
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
      const status = branchStatus(entries.length === total ? entries : stacks.read(at.conversationId, at.agentId, branch, { limit: 40 })).kind
      return {
        conversationId: at.conversationId,
        agentId: at.agentId,
        branch,
        total,
        status,
        agents: stacks.agentsOf(at.conversationId),
        messages: toChatMessages(entries),
      }
    },
  }
}

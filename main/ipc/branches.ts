import type { Branch, ForkResult } from '../../preload/contract'
import { UserInputError } from '../engine/errors'
import type { BranchInfo, StackStore } from '../engine/ports/stacks'
import { idleCut } from '../engine/stacks/idleCut'
import { asBranchId, type AgentId, type ConversationId, type StackEntry } from '../engine/schema/states'
import { toChatMessage, toChatMessages } from './chatView'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type BranchesChannel = Extract<keyof HandlerTable, `branches:${string}`>

const LABEL_MAX = 120
const label = (e: StackEntry | undefined): string | null => {
  const text = e ? toChatMessage(e)?.text.replace(/\s+/g, ' ').trim() : ''
  if (!text) return null
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text
}

/** How many entries after the fork point are searched for the branch's first own question. */
const LOOK_AHEAD = 8

/**
 * A branch as the UI shows it: the message at its fork point and its first own user message, so
 * tree nodes read as text rather than hex ids.
 */
export function describeBranch(stacks: StackStore, conversation: ConversationId, agent: AgentId, b: BranchInfo): Branch {
  const from = b.forkIndex === null ? 0 : b.forkIndex + 1
  const own = b.length > from ? stacks.read(conversation, agent, b.branch, { from, to: Math.min(b.length - 1, from + LOOK_AHEAD) }) : []
  const forkEntry = b.forkIndex === null ? undefined : stacks.read(conversation, agent, b.branch, { from: b.forkIndex, to: b.forkIndex })[0]
  return {
    ...b,
    branch: String(b.branch),
    parent: b.parent === null ? null : String(b.parent),
    forkText: label(forkEntry),
    firstText: label(own.find((e) => e.state.kind === 'user_message' || e.state.kind === 'user_response')),
  }
}

/**
 * Handlers of `branches:*`. After a fork, rewind or checkout the engine resumes the conversation,
 * so a branch that ends on a user message gets its (new) answer. Rewind never deletes: like the
 * CLI and the README say, it forks at the entry and keeps the original branch.
 */
export function branchesHandlers(services: AppServices): Pick<HandlerTable, BranchesChannel> {
  const at = (conversationId: string, agentId?: string) => {
    const engine = requireEngine(services)
    const ref = engine.target(conversationId, agentId)
    const describe = (b: BranchInfo) => describeBranch(engine.deps.stacks, ref.conversationId, ref.agentId, b)
    return { engine, ref, describe }
  }
  /** Fork `branch` (default: the checked-out one) at `requested`, moved back out of an unanswered tool round. */
  const forkIdle = (conversationId: string, agentId: string | undefined, branch: string | undefined, requested: number): ForkResult => {
    const { engine, ref, describe } = at(conversationId, agentId)
    const { stacks } = engine.deps
    const from = branch ? asBranchId(branch) : stacks.currentBranch(ref.conversationId, ref.agentId)
    const cut = idleCut(stacks.read(ref.conversationId, ref.agentId, from), requested)
    if (cut.index < 0) throw new UserInputError(`cannot fork at index ${requested}: ${cut.reason?.replace(/: kept .*$/, '')}, and nothing before it can be kept`, 'REWIND_NOTHING_LEFT')
    const info = stacks.fork(ref.conversationId, ref.agentId, from, cut.index)
    engine.resume(ref.conversationId)
    return { ...describe(info), requested, note: cut.reason ? `${cut.reason[0]!.toUpperCase()}${cut.reason.slice(1)}.` : null }
  }
  return {
    'branches:list': (input) => {
      const { engine, ref, describe } = at(input.conversationId, input.agentId)
      return {
        conversationId: ref.conversationId,
        agentId: ref.agentId,
        current: ref.branch,
        branches: engine.deps.stacks.listBranches(ref.conversationId, ref.agentId).map(describe),
        agents: engine.deps.stacks.agentsOf(ref.conversationId),
      }
    },
    'branches:fork': (input) => forkIdle(input.conversationId, input.agentId, input.fromBranch, input.atIndex),
    'branches:rewind': (input) => forkIdle(input.conversationId, input.agentId, input.branch, input.index),
    'branches:checkout': (input) => {
      const { engine, ref, describe } = at(input.conversationId, input.agentId)
      const info = engine.deps.stacks.checkout(ref.conversationId, ref.agentId, asBranchId(input.branch))
      engine.resume(ref.conversationId)
      return describe(info)
    },
    'branches:compare': (input) => {
      const { engine, ref } = at(input.conversationId, input.agentId)
      const { stacks } = engine.deps
      const left = stacks.read(ref.conversationId, ref.agentId, asBranchId(input.left))
      const right = stacks.read(ref.conversationId, ref.agentId, asBranchId(input.right))
      let common = 0
      while (common < left.length && common < right.length && left[common]!.ref === right[common]!.ref) common++
      return {
        conversationId: ref.conversationId,
        agentId: ref.agentId,
        commonPrefix: common,
        left: { branch: input.left, messages: toChatMessages(left), score: null },
        right: { branch: input.right, messages: toChatMessages(right), score: null },
      }
    },
  }
}

import type { BranchInfo } from '../engine/ports/stacks'
import { asBranchId } from '../engine/schema/states'
import { toChatMessages } from './chatView'
import type { HandlerTable } from './register'
import { requireEngine, type AppServices } from './services'

type BranchesChannel = Extract<keyof HandlerTable, `branches:${string}`>

const plain = (b: BranchInfo) => ({ ...b, branch: String(b.branch), parent: b.parent === null ? null : String(b.parent) })

/**
 * Handlers of `branches:*`. After a fork, rewind or checkout the engine resumes the conversation,
 * so a branch that ends on a user message gets its (new) answer.
 */
export function branchesHandlers(services: AppServices): Pick<HandlerTable, BranchesChannel> {
  const at = (conversationId: string, agentId?: string) => {
    const engine = requireEngine(services)
    return { engine, ref: engine.target(conversationId, agentId) }
  }
  return {
    'branches:list': (input) => {
      const { engine, ref } = at(input.conversationId, input.agentId)
      return {
        conversationId: ref.conversationId,
        agentId: ref.agentId,
        current: ref.branch,
        branches: engine.deps.stacks.listBranches(ref.conversationId, ref.agentId).map(plain),
      }
    },
    'branches:fork': (input) => {
      const { engine, ref } = at(input.conversationId, input.agentId)
      const info = engine.deps.stacks.fork(ref.conversationId, ref.agentId, input.fromBranch ? asBranchId(input.fromBranch) : undefined, input.atIndex)
      engine.resume(ref.conversationId)
      return plain(info)
    },
    'branches:rewind': (input) => {
      const { engine, ref } = at(input.conversationId, input.agentId)
      const info = engine.deps.stacks.rewind(ref.conversationId, ref.agentId, input.branch ? asBranchId(input.branch) : undefined, input.index)
      engine.resume(ref.conversationId)
      return plain(info)
    },
    'branches:checkout': (input) => {
      const { engine, ref } = at(input.conversationId, input.agentId)
      const info = engine.deps.stacks.checkout(ref.conversationId, ref.agentId, asBranchId(input.branch))
      engine.resume(ref.conversationId)
      return plain(info)
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

import type { Conversation } from '../../engine/ports/stacks'
import { UserInputError } from '../../engine/errors'
import { asAgentId, asBranchId, type AgentId, type BranchId } from '../../engine/schema/states'
import type { CliContext } from '../context'

/** A conversation by name or id (unknown → one UserInputError listing known names). */
export const conversationOf = (ctx: CliContext, nameOrId: string): Conversation => ctx.engine.deps.stacks.getConversation(nameOrId)

/**
 * The agent whose stack a command works on: `--agent-id` when given (must have a stack in the
 * conversation or be configured), else the conversation's root agent.
 */
export function agentOf(ctx: CliContext, conv: Conversation, agentId?: string): AgentId {
  if (agentId === undefined) return conv.rootAgent
  const present = ctx.engine.deps.stacks.agentsOf(conv.id)
  if (present.includes(asAgentId(agentId)) || ctx.engine.agentIds().includes(agentId)) return asAgentId(agentId)
  throw new UserInputError(`unknown agent "${agentId}" for conversation ${conv.name}; agents in it: ${present.join(', ')}`, 'UNKNOWN_AGENT')
}

/** A branch option, checked against the agent's branches (unknown → error listing them). */
export function branchOf(ctx: CliContext, conv: Conversation, agent: AgentId, branch?: string): BranchId | undefined {
  if (branch === undefined) return undefined
  const known = ctx.engine.deps.stacks.listBranches(conv.id, agent).map((b) => b.branch as string)
  if (!known.includes(branch)) {
    throw new UserInputError(`unknown branch ${branch} for conversation ${conv.name} (agent ${agent}); branches: ${known.join(', ')}`, 'UNKNOWN_BRANCH')
  }
  return asBranchId(branch)
}

/** A whole-number index argument. */
export function indexArg(value: string, what = 'index'): number {
  if (!/^\d+$/.test(value.trim())) throw new UserInputError(`${what} must be a whole number ≥ 0, got "${value}"`, 'BAD_INDEX')
  return Number(value)
}

import type { AgentRef, RuntimeContext } from './context'
import { deliverAnswer, expiredCritique, turnOrigin } from './conclude'
import { branchStatus } from './tail'
import { launchMissingCalls } from './toolRun'
import { humanTurn, llmTurn, ruleTurn } from './turns'

/**
 * One step of one agent's branch: read the branch, derive what it needs from its tail, do that.
 * Idempotent: running it again after a crash or a duplicate wake-up resumes where the stored
 * entries say the work stands (tool calls already in flight are not started twice).
 */
export async function stepAgent(ctx: RuntimeContext, at: AgentRef): Promise<void> {
  const entries = ctx.deps.stacks.read(at.conversationId, at.agentId, at.branch)
  const status = branchStatus(entries)
  switch (status.kind) {
    case 'awaiting_tools':
      launchMissingCalls(ctx, at, status, turnOrigin(entries))
      return
    case 'needs_turn': {
      const def = ctx.agent(at.agentId)
      if (!def) return
      ctx.tracing.startTurn(at, turnOrigin(entries))
      if (def.type === 'llm') return llmTurn(ctx, at, def, entries)
      if (def.type === 'rule_based') return ruleTurn(ctx, at, def, entries)
      return humanTurn(ctx, at, def, status.trigger)
    }
    case 'answered': {
      // A reflection agent that missed its deadline: deliver the answer without the critique.
      const text = expiredCritique(ctx, entries)
      if (text !== null) ctx.tx(() => deliverAnswer(ctx, at, turnOrigin(entries), text))
      return
    }
    default:
      return // empty, finished, awaiting a human: nothing to do until something arrives
  }
}

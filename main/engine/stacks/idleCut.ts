import type { StackEntry } from '../schema/states'
import { branchStatus } from '../runtime/tail'

/**
 * Where a rewind or fork may cut a branch without leaving it stuck. Keeping entries `0..N` that
 * end inside a tool round (an assistant message whose tool calls have no result in the kept
 * part, including a delegation under way) would leave the branch waiting for a result that
 * never comes to it: the result belongs to the original branch, or the call is long gone. Such
 * a cut moves back to just before that assistant message, so the model answers the question
 * again on the next turn. A cut inside a pending critique keeps the answer without it.
 */

/** The cut to make, and why it differs from the one asked for. */
export interface IdleCut {
  /** The last index to keep. */
  index: number
  requested: number
  /** Set when `index !== requested`: what was in the way, for the user. */
  reason?: string
}

const isCritiqueCall = (e: StackEntry): boolean => e.state.kind === 'agent_call' && e.state.correlationId.startsWith('critique_')

/**
 * The last index ≤ `requested` at which `entries` (a whole branch, oldest first) can be cut so
 * that the kept part waits for no tool, delegation or critique. An out-of-range `requested` is
 * returned as is (the stack store reports it).
 */
export function idleCut(entries: readonly StackEntry[], requested: number): IdleCut {
  if (!Number.isInteger(requested) || requested < 0 || requested >= entries.length) return { index: requested, requested }
  let index = requested
  const reasons: string[] = []
  for (;;) {
    const kept = entries.slice(0, index + 1)
    const status = branchStatus(kept)
    if (status.kind === 'awaiting_tools') {
      const at = kept.indexOf(status.message)
      const calls = status.missing.map((c) => c.spec.name).join(', ')
      const n = status.missing.length
      reasons.push(`index ${index} is inside the tool round of message ${at} (${calls}), whose result${n === 1 ? ' is' : 's are'} not in 0..${index}`)
      index = at - 1
      if (index < 0) break
      continue
    }
    const top = kept[kept.length - 1]!
    const after = status.kind === 'answered' ? kept.slice(kept.indexOf(status.answer) + 1) : []
    if (status.kind === 'answered' && (isCritiqueCall(top) || (top.state.kind === 'waiting' && after.some(isCritiqueCall)))) {
      const critic = after.find(isCritiqueCall)!
      reasons.push(`index ${index} is inside a critique by ${critic.state.kind === 'agent_call' ? critic.state.agentId : 'the reflection agent'} that has not come back in 0..${index}`)
      index = kept.indexOf(status.answer)
      continue
    }
    break
  }
  return reasons.length ? { index, requested, reason: `${reasons.join('; ')}: kept 0..${index} instead, so the branch does not wait for a result that will never arrive` } : { index, requested }
}

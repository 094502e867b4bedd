import { hashCanonical } from './canonicalJson'

/** What identifies one logical tool call across retries, crash-resume, replays and forks. */
export interface CallIdentity {
  conversationId: string
  /**
   * Ids of the branch's lineage up to the call: the root branch first, then every fork, each with
   * the index it forked at. Forks that copy an executed call share this prefix and so the key.
   */
  lineage: readonly string[]
  /** Position of the call on the stack (index of its ToolCall entry), plus its index inside the message. */
  position: number
  callIndex?: number
  tool: string
  args: unknown
}

/**
 * The idempotency key of a side-effecting call: `tc_` + SHA-256 of the canonical JSON of its
 * identity. Ledger command ids come from it, so the same call never executes twice, while a new
 * call after a fork point (different position or lineage) gets a new key.
 */
export function deriveIdempotencyKey(call: CallIdentity): string {
  return `tc_${hashCanonical({ c: call.conversationId, l: call.lineage, p: call.position, i: call.callIndex ?? 0, t: call.tool, a: call.args })}`
}

import type { DedupPolicy } from '../config/types'
import { hashCanonical } from './canonicalJson'
import type { ToolOutcome } from './types'

/** Default dedup window when a tool sets no `dedupTtl`: 24 h. */
export const DEFAULT_DEDUP_TTL_SECONDS = 24 * 3600

/** What the dedup policy decided for one tool call (§4.4). */
export interface DedupDecision {
  execute: boolean
  /** The same call was seen within the window. */
  duplicate: boolean
  /** Metric `duplicate_tool_call` action, when one is emitted. */
  metric: 'allowed' | 'blocked' | null
}

/**
 * The policy as a pure function.
 * - `none`: always run, nothing recorded.
 * - `penalty`: always run; a repeat emits the metric with action `allowed`.
 * - `strict`: a repeat runs only if the tool is side-effect-free (`allowed`), else it is `blocked`.
 * `seenBefore` must be false under `none` (callers do not consult the seen-set then).
 */
export function decideDedup(policy: DedupPolicy, call: { seenBefore: boolean; sideEffectFree: boolean }): DedupDecision {
  if (policy === 'none' || !call.seenBefore) return { execute: true, duplicate: false, metric: null }
  if (policy === 'penalty' || call.sideEffectFree) return { execute: true, duplicate: true, metric: 'allowed' }
  return { execute: false, duplicate: true, metric: 'blocked' }
}

/** Remembers calls for a time window. `markSeen` is an atomic set-if-absent. */
export interface DedupSeenSet {
  /** Records `key` for `ttlSeconds`; returns true if it was already present (and not expired). */
  markSeen(key: string, ttlSeconds: number): boolean
  /** Forgets a key (after a tool timeout, so the call can be retried). */
  forget(key: string): void
}

/** In-memory {@link DedupSeenSet}. */
export class MemoryDedupSeenSet implements DedupSeenSet {
  private readonly seen = new Map<string, number>()
  constructor(private readonly now: () => number = Date.now) {}

  markSeen(key: string, ttlSeconds: number): boolean {
    const expiresAt = this.seen.get(key)
    if (expiresAt !== undefined && expiresAt > this.now()) return true
    this.seen.set(key, this.now() + ttlSeconds * 1000)
    return false
  }

  forget(key: string): void {
    this.seen.delete(key)
  }
}

/** Dedup key of a call: scoped to conversation, agent and branch; the hash covers tool + arguments. */
export function dedupKey(call: { conversationId: string; agentId: string; branchId: string; tool: string; args: unknown }): string {
  return `dedup:${call.conversationId}:${call.agentId}:${call.branchId}:${hashCanonical({ name: call.tool, params: call.args })}`
}

/**
 * Consults the seen-set (unless the policy is `none`) and decides.
 * @param tool the tool's flags (`sideEffectFree`, `dedupTtl`).
 */
export function applyDedup(
  policy: DedupPolicy,
  seen: DedupSeenSet,
  key: string,
  tool: { sideEffectFree?: boolean; dedupTtl?: number | null },
): DedupDecision {
  if (policy === 'none') return decideDedup(policy, { seenBefore: false, sideEffectFree: !!tool.sideEffectFree })
  const seenBefore = seen.markSeen(key, tool.dedupTtl ?? DEFAULT_DEDUP_TTL_SECONDS)
  return decideDedup(policy, { seenBefore, sideEffectFree: !!tool.sideEffectFree })
}

/** The result the model sees for a call the strict policy blocked. */
export const DEDUP_SKIPPED: ToolOutcome<never> = Object.freeze({
  status: 'error',
  error: Object.freeze({ code: 'DEDUP_SKIPPED', message: 'Duplicate call skipped by dedup policy' }),
}) as ToolOutcome<never>

import { canonicalJson, hashCanonical } from './canonicalJson'
import type { ToolContext } from './types'

/** Storage behind tool-result caching. The SQLite implementation can replace the in-memory one. */
export interface ToolCache {
  get(key: string): { value: unknown } | undefined
  set(key: string, value: unknown, ttlSeconds: number): void
}

/**
 * Cache key: tool + canonical JSON of the validated arguments + rollout sample (index, seed),
 * for tools that `requiresContext` the caller (conversation, agent, branch), and for
 * `ledgerRead` tools the ledger revision the result was read at.
 */
export function toolCacheKey(
  tool: { name: string; requiresContext?: boolean },
  args: unknown,
  ctx: Pick<ToolContext, 'conversationId' | 'agentId' | 'branchId' | 'sample'>,
  ledgerRevision: string | null = null,
): string {
  const scope = tool.requiresContext ? [ctx.conversationId, ctx.agentId, ctx.branchId] : null
  const sample = ctx.sample ? [ctx.sample.index, ctx.sample.seed ?? null] : null
  const parts = { args: JSON.parse(canonicalJson(args)), scope, sample, ...(ledgerRevision === null ? {} : { ledger: ledgerRevision }) }
  return `tool_cache:${tool.name}:${hashCanonical(parts)}`
}

/** In-memory {@link ToolCache}; expired entries are dropped when read. */
export class MemoryToolCache implements ToolCache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>()

  /** @param now clock in ms (tests pin it). */
  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): { value: unknown } | undefined {
    const e = this.entries.get(key)
    if (!e) return undefined
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return { value: structuredClone(e.value) }
  }

  set(key: string, value: unknown, ttlSeconds: number): void {
    this.entries.set(key, { value: structuredClone(value), expiresAt: this.now() + ttlSeconds * 1000 })
  }

  get size(): number {
    return this.entries.size
  }
}

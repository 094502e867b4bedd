import { LruMap } from '../../engine/runtime/lru'

/**
 * Values keyed by (conversation, a, b) — e.g. (conversation, agent, branch) — kept per
 * conversation: one LRU lookup by the conversation id, then two small Maps. A key made by joining
 * the three strings had to be concatenated, flattened and hashed on every lookup, and with many
 * conversations interleaving every lookup was a fresh one; the id strings themselves are hashed
 * once. Bounded by conversations (least recently used dropped), so memory stays flat however
 * many conversations pass through. Two-part keys pass `''` as `b`.
 */
export class PerConversation<V> {
  private readonly convs: LruMap<string, Map<string, Map<string, V>>>

  constructor(maxConversations: number) {
    this.convs = new LruMap(maxConversations)
  }

  get(c: string, a: string, b: string): V | undefined {
    return this.convs.get(c)?.get(a)?.get(b)
  }

  set(c: string, a: string, b: string, value: V): void {
    let byA = this.convs.get(c)
    if (!byA) this.convs.set(c, (byA = new Map()))
    let byB = byA.get(a)
    if (!byB) byA.set(a, (byB = new Map()))
    byB.set(b, value)
  }

  /** Forgets everything under (c, a). */
  dropAll(c: string, a: string): void {
    this.convs.get(c)?.delete(a)
  }

  clear(): void {
    this.convs.clear()
  }
}

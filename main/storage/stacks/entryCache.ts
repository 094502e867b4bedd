import type { StackEntry } from '../../engine/schema/states'
import type { SqliteDatabase } from '../sqliteStore'
import { PerConversation } from './perConversation'

/**
 * Decoded stack entries by (conversation, agent, owning branch segment). Entries are immutable,
 * so a cached entry stays right until a destructive rewind or prune (which drop the agent's
 * cache) or a write by another connection (seen through `PRAGMA data_version`, which then
 * clears everything). Bounded: the segments of the least recently used conversations are dropped
 * beyond `maxConversations`.
 */
export class EntryCache {
  private readonly segments: PerConversation<StackEntry[]>
  private version: number
  private readonly versionStmt

  constructor(db: SqliteDatabase, maxConversations = 4096) {
    this.segments = new PerConversation(maxConversations)
    // A prepared statement: `db.pragma()` prepares one per call, which costs more than the read.
    this.versionStmt = db.prepare('PRAGMA data_version').pluck()
    this.version = this.dataVersion()
  }

  private dataVersion(): number {
    return this.versionStmt.get() as number
  }

  /** Clears everything if another connection committed since the last check; true when it did. */
  checkExternalWrites(): boolean {
    const v = this.dataVersion()
    if (v === this.version) return false
    this.version = v
    this.segments.clear()
    return true
  }

  /** Entries lo..hi of one segment, or null if any is missing. */
  get(c: string, a: string, segment: string, lo: number, hi: number): StackEntry[] | null {
    const list = this.segments.get(c, a, segment)
    if (!list || list.length <= hi) return null
    for (let i = lo; i <= hi; i++) if (!list[i]) return null
    return list.slice(lo, hi + 1)
  }

  put(c: string, a: string, segment: string, entries: readonly StackEntry[]): void {
    const list = this.segments.get(c, a, segment)
    if (list) {
      for (const e of entries) list[e.index] = e
      return
    }
    const fresh: StackEntry[] = []
    for (const e of entries) fresh[e.index] = e
    this.segments.set(c, a, segment, fresh)
  }

  clear(): void {
    this.segments.clear()
  }

  /** Drops every segment of the agent in the conversation (after rewind/prune). */
  dropAgent(c: string, a: string): void {
    this.segments.dropAll(c, a)
  }
}

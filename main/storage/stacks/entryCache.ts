import { LruMap } from '../../engine/runtime/lru'
import type { StackEntry } from '../../engine/schema/states'
import type { SqliteDatabase } from '../sqliteStore'
import { CacheKey, KEY_SEP } from './cacheKey'

/**
 * Decoded stack entries by (conversation, agent, owning branch segment). Entries are immutable,
 * so a cached entry stays right until a destructive rewind or prune (which drop the agent's
 * cache) or a write by another connection (seen through `PRAGMA data_version`, which then
 * clears everything). Bounded: least recently used segments are dropped beyond `maxSegments`.
 */
export class EntryCache {
  private readonly segments: LruMap<string, StackEntry[]>
  private version: number
  private readonly versionStmt

  constructor(db: SqliteDatabase, maxSegments = 4096) {
    this.segments = new LruMap(maxSegments)
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

  private readonly segmentKey = new CacheKey()

  private key(c: string, a: string, segment: string): string {
    return this.segmentKey.of(c, a, segment)
  }

  /** Entries lo..hi of one segment, or null if any is missing. */
  get(c: string, a: string, segment: string, lo: number, hi: number): StackEntry[] | null {
    const k = this.key(c, a, segment)
    const list = this.segments.get(k)
    if (!list || list.length <= hi) return null
    for (let i = lo; i <= hi; i++) if (!list[i]) return null
    return list.slice(lo, hi + 1)
  }

  put(c: string, a: string, segment: string, entries: readonly StackEntry[]): void {
    const k = this.key(c, a, segment)
    const list = this.segments.get(k) ?? []
    for (const e of entries) list[e.index] = e
    this.segments.set(k, list)
  }

  clear(): void {
    this.segments.clear()
  }

  /** Drops every segment of the agent in the conversation (after rewind/prune). */
  dropAgent(c: string, a: string): void {
    const prefix = c + KEY_SEP + a + KEY_SEP
    for (const k of this.segments.keys()) if (k.startsWith(prefix)) this.segments.delete(k)
  }
}

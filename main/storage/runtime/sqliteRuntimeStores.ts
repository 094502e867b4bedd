import { z } from 'zod'
import type { RecordedExchange, RecordingStore } from '../../engine/models/recording'
import type { OverrideStore, StoredOverrides } from '../../engine/ports/overrides'
import { applyOverridePatch } from '../../engine/runtime/overrides'
import { AgentOverridesSchema, type AgentOverrides, type OverridePatch } from '../../engine/schema/overrides'
import type { ToolCache } from '../../engine/tools/cache'
import type { DedupSeenSet } from '../../engine/tools/dedup'
import type { ToolRecordingStore } from '../../engine/tools/recorder'
import type { ToolOutcome } from '../../engine/tools/types'
import { defineJsonColumn } from '../jsonColumn'
import type { SqliteStore } from '../sqliteStore'

const OverridesColumn = defineJsonColumn({ name: 'agent overrides', version: 1, schema: z.object({ values: AgentOverridesSchema }) })
const RecordingColumn = defineJsonColumn({ name: 'model recording', version: 1, schema: z.object({ request: z.unknown(), response: z.unknown() }) })
const CacheColumn = defineJsonColumn({ name: 'tool cache entry', version: 1, schema: z.object({ value: z.unknown() }) })

/** Overrides per (conversation id, agent) in SQLite, with the lock rule. */
export class SqliteOverrideStore implements OverrideStore {
  private readonly sel
  private readonly upsert
  constructor(private readonly store: SqliteStore, private readonly now: () => number = Date.now) {
    this.sel = store.db.prepare('SELECT doc, locked, updated_at FROM agent_overrides WHERE conversation_id = ? AND agent_id = ?')
    this.upsert = store.db.prepare(
      `INSERT INTO agent_overrides (conversation_id, agent_id, doc, locked, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (conversation_id, agent_id) DO UPDATE SET doc = excluded.doc, locked = excluded.locked, updated_at = excluded.updated_at`,
    )
  }
  get(c: string, a: string): StoredOverrides | null {
    const row = this.sel.get(c, a) as { doc: string; locked: number; updated_at: number } | undefined
    return row ? { values: OverridesColumn.decode(row.doc).values, locked: row.locked === 1, updatedAt: row.updated_at } : null
  }
  patch(c: string, a: string, patch: OverridePatch, options: { lock?: boolean } = {}): StoredOverrides {
    return this.store.write(() => this.save(c, a, applyOverridePatch(this.get(c, a), patch, options, `agent ${a} in conversation ${c}`, this.now())))
  }
  replace(c: string, a: string, values: AgentOverrides, options: { lock?: boolean } = {}): StoredOverrides {
    return this.store.write(() => this.save(c, a, { values, locked: Boolean(options.lock), updatedAt: this.now() }))
  }
  private save(c: string, a: string, o: StoredOverrides): StoredOverrides {
    this.upsert.run(c, a, OverridesColumn.encode({ values: o.values }), o.locked ? 1 : 0, o.updatedAt)
    return o
  }
}

/** Model request/response recordings for `--replay`, keyed by (request hash, occurrence). */
/** One model exchange or tool outcome (both live in `model_recordings`), with the conversation it was made for. */
const PUT_RECORDING = 'INSERT OR REPLACE INTO model_recordings (hash, ordinal, model, doc, recorded_at, conversation_id) VALUES (?, ?, ?, ?, ?, ?)'

/** How a recording is written: by default alone; given a group commit's `run`, inside its batch (no commit of its own). */
export type RecordingWrite = <T>(fn: () => T) => T
const alone: RecordingWrite = (fn) => fn()

export class SqliteRecordingStore implements RecordingStore {
  private readonly sel
  private readonly put_
  constructor(store: SqliteStore, private readonly write: RecordingWrite = alone) {
    this.sel = store.db.prepare('SELECT doc, recorded_at FROM model_recordings WHERE hash = ? AND ordinal = ?')
    this.put_ = store.db.prepare(PUT_RECORDING)
  }
  async get(hash: string, ordinal: number): Promise<RecordedExchange | undefined> {
    const row = this.sel.get(hash, ordinal) as { doc: string; recorded_at: string } | undefined
    if (!row) return undefined
    const d = RecordingColumn.decode(row.doc)
    return { hash, ordinal, request: d.request as RecordedExchange['request'], response: d.response as RecordedExchange['response'], recordedAt: row.recorded_at }
  }
  async put(e: RecordedExchange): Promise<void> {
    const doc = RecordingColumn.encode({ request: e.request, response: e.response })
    this.write(() => this.put_.run(e.hash, e.ordinal, e.request.model, doc, e.recordedAt, e.conversationId ?? null))
  }
}

/** Tool outcomes for record/replay, in the recordings table (hash `tool:<name>:<args hash>`). */
export class SqliteToolRecordingStore implements ToolRecordingStore {
  private readonly sel
  private readonly put_
  constructor(store: SqliteStore, private readonly write: RecordingWrite = alone) {
    this.sel = store.db.prepare('SELECT doc FROM model_recordings WHERE hash = ? AND ordinal = ?').pluck()
    this.put_ = store.db.prepare(PUT_RECORDING)
  }
  get(hash: string, ordinal: number): ToolOutcome | undefined {
    const doc = this.sel.get(hash, ordinal) as string | undefined
    return doc === undefined ? undefined : (RecordingColumn.decode(doc).response as ToolOutcome)
  }
  put(hash: string, ordinal: number, tool: string, args: unknown, outcome: ToolOutcome, conversationId?: string): void {
    const doc = RecordingColumn.encode({ request: { tool, args }, response: outcome })
    this.write(() => this.put_.run(hash, ordinal, `tool:${tool}`, doc, new Date().toISOString(), conversationId ?? null))
  }
}

/** Tool results cached with a TTL, shared by every process on the database. */
export class SqliteToolCache implements ToolCache {
  private readonly sel
  private readonly put_
  constructor(store: SqliteStore, private readonly now: () => number = Date.now) {
    this.sel = store.db.prepare('SELECT doc, expires_at FROM tool_cache WHERE key = ?')
    this.put_ = store.db.prepare('INSERT OR REPLACE INTO tool_cache (key, doc, expires_at) VALUES (?, ?, ?)')
  }
  get(key: string): { value: unknown } | undefined {
    const row = this.sel.get(key) as { doc: string; expires_at: number } | undefined
    if (!row || row.expires_at <= this.now()) return undefined
    return { value: CacheColumn.decode(row.doc).value }
  }
  set(key: string, value: unknown, ttlSeconds: number): void {
    this.put_.run(key, CacheColumn.encode({ value }), this.now() + ttlSeconds * 1000)
  }
}

/** Dedup windows in SQLite; `markSeen` is an atomic set-if-absent-or-expired. */
export class SqliteDedupSeenSet implements DedupSeenSet {
  private readonly mark
  private readonly del
  constructor(store: SqliteStore, private readonly now: () => number = Date.now) {
    this.mark = store.db.prepare(
      `INSERT INTO dedup_seen (key, expires_at) VALUES (@key, @exp)
       ON CONFLICT (key) DO UPDATE SET expires_at = @exp WHERE dedup_seen.expires_at <= @now`,
    )
    this.del = store.db.prepare('DELETE FROM dedup_seen WHERE key = ?')
  }
  markSeen(key: string, ttlSeconds: number): boolean {
    const now = this.now()
    return this.mark.run({ key, exp: now + ttlSeconds * 1000, now }).changes === 0
  }
  forget(key: string): void {
    this.del.run(key)
  }
}

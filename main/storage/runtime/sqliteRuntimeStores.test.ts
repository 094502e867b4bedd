import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../groupCommit'
import { openStore } from '../sqliteStore'
import { SqliteDedupSeenSet, SqliteOverrideStore, SqliteRecordingStore, SqliteToolCache, SqliteToolRecordingStore } from './sqliteRuntimeStores'

describe('SQLite runtime stores', () => {
  it('overrides: merge, null deletes, lock is enforced', () => {
    const o = new SqliteOverrideStore(openStore(':memory:'), () => 5)
    o.patch('c', 'a', { model: 'openai/gpt-4.1', temperature: 0.2 })
    o.patch('c', 'a', { temperature: null, behavior_template: null })
    expect(o.get('c', 'a')).toEqual({ values: { model: 'openai/gpt-4.1', behavior_template: null }, locked: false, updatedAt: 5 })
    o.patch('c', 'a', { tools: ['get_weather'] }, { lock: true })
    expect(() => o.patch('c', 'a', { model: 'x/y' })).toThrow(/locked; repeat the command with --lock/)
    expect(o.get('c', 'a')!.values.model).toBe('openai/gpt-4.1')
    expect(o.get('c', 'other')).toBeNull()
  })

  it('recordings, tool cache with TTL, dedup window', async () => {
    let now = 1000
    const store = openStore(':memory:')
    const r = new SqliteRecordingStore(store)
    const ex = { hash: 'h', ordinal: 0, request: { model: 'm', messages: [] }, response: { message: { content: 'x', toolCalls: [] } }, recordedAt: '2026-01-01T00:00:00Z' } as never
    await r.put(ex)
    expect(await r.get('h', 0)).toEqual(ex)
    expect(await r.get('h', 1)).toBeUndefined()
    const c = new SqliteToolCache(store, () => now)
    c.set('k', { a: 1 }, 2)
    expect(c.get('k')).toEqual({ value: { a: 1 } })
    now += 2000
    expect(c.get('k')).toBeUndefined()
    const d = new SqliteDedupSeenSet(store, () => now)
    expect(d.markSeen('x', 10)).toBe(false)
    expect(d.markSeen('x', 10)).toBe(true)
    now += 10_000
    expect(d.markSeen('x', 10)).toBe(false)
    d.forget('x')
    expect(d.markSeen('x', 10)).toBe(false)
  })

  it('recordings written through a group commit join its batch instead of committing alone', async () => {
    const store = openStore(':memory:')
    const group = new GroupCommit(store)
    let commits = 0
    group.onCommit((err) => { if (err === null) commits++ })
    const inBatch = <T>(fn: () => T): T => group.run(fn)
    const models = new SqliteRecordingStore(store, inBatch)
    const tools = new SqliteToolRecordingStore(store, inBatch)
    await models.put({ hash: 'h', ordinal: 0, request: { model: 'm', messages: [] }, response: { message: { content: 'x', toolCalls: [] } }, recordedAt: '2026-01-01T00:00:00Z' } as never)
    tools.put('tool:t:1', 0, 't', { a: 1 }, { status: 'ok', result: 1 } as never)
    expect([group.pending(), commits]).toEqual([true, 0])
    await group.whenCommitted()
    expect(commits).toBe(1)
    expect(store.db.prepare('SELECT COUNT(*) FROM model_recordings').pluck().get()).toBe(2)
    store.close()
  })
})

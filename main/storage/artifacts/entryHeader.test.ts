import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asAgentId, type ConversationId } from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from '../stacks/create'
import type { SqliteStackStore } from '../stacks/sqliteStacks'
import { DEFAULT_HEADER_EXTRAS } from './entryHeader'
import { HeaderExtrasColumn } from './headerRows'
import type { SqliteArtifactStore } from './sqliteArtifacts'

const A = asAgentId('agent_alpha')
let store: SqliteStore
let stacks: SqliteStackStore
let artifacts: SqliteArtifactStore
let conv: ConversationId

beforeEach(() => {
  store = openStore(':memory:')
  ;({ stacks, artifacts } = createStackStorage(store, () => Date.UTC(2026, 0, 1)))
  conv = stacks.createConversation({ name: 'demo', rootAgent: A, id: 'chat_1' }).id
})
afterEach(() => store.close())

const pushTurn = () =>
  stacks.push(conv, A, [
    { kind: 'user_message', text: 'weather?' },
    { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: { location: 'Oslo' } },
    { kind: 'tool_result', toolCallId: 'c1', toolName: 'get_weather', status: 'ok', result: { temp: 3 }, error: null, arguments: { location: 'Oslo' }, reward: null },
    { kind: 'finished' },
  ]).entries.map((e) => e.ref)

describe('the default artifact header of a stack entry row (schema v14)', () => {
  it('is the JSON the header codec writes for no tags, parents, provenance or meta', () => {
    expect(DEFAULT_HEADER_EXTRAS).toBe(HeaderExtrasColumn.encode({ tags: [], parentRefs: [], provenance: {}, meta: {} }))
  })

  it('is stored as an empty string; the store, the views and an archived copy read the same headers as before', () => {
    const [user, call, result, finished] = pushTurn() as [string, string, string, string]
    const stored = store.db.prepare('SELECT ref, header FROM stack_entries ORDER BY key').all() as { ref: string; header: string }[]
    expect(stored.map((r) => r.header === '')).toEqual([true, true, false, false])
    const extras = (ref: string) => { const h = artifacts.get(ref).header; return { tags: h.tags, parentRefs: h.parentRefs, provenance: h.provenance, meta: h.meta } }
    expect(extras(user)).toEqual({ tags: [], parentRefs: [], provenance: {}, meta: {} })
    expect(extras(result).parentRefs).toEqual([call])
    expect(extras(finished).meta).toEqual({ isTerminal: true })
    expect(artifacts.children(call).map((h) => h.ref)).toEqual([result])
    expect(artifacts.query({ sessionId: conv }).map((h) => h.ref).sort()).toEqual([user, call, result, finished].sort())
    expect(artifacts.query({ sessionId: conv, tag: 'none' })).toEqual([])
    expect(store.db.prepare('SELECT header FROM all_artifacts WHERE ref = ?').pluck().get(user)).toBe(DEFAULT_HEADER_EXTRAS)
    expect(store.db.prepare('SELECT COUNT(*) FROM artifact_tags').pluck().get()).toBe(0)
    // A rewind keeps the cut states as artifact rows, with the header spelled out.
    stacks.rewind(conv, A, undefined, 0)
    expect(store.db.prepare('SELECT header FROM artifacts WHERE ref = ?').pluck().get(call)).toBe(DEFAULT_HEADER_EXTRAS)
    expect(artifacts.children(call).map((h) => h.ref)).toEqual([result])
    expect(extras(call)).toEqual({ tags: [], parentRefs: [], provenance: {}, meta: {} })
  })

  it('tagged states keep their header JSON, and a tag query finds them', () => {
    const p = stacks.push(conv, A, [{ kind: 'user_message', text: 'hi' }], { tags: ['demo'] })
    expect(store.db.prepare('SELECT header FROM stack_entries').pluck().get()).not.toBe('')
    expect(artifacts.query({ tag: 'demo' }).map((h) => h.ref)).toEqual([p.entries[0]!.ref])
    expect(store.db.prepare("SELECT ref FROM artifact_tags WHERE tag = 'demo'").pluck().all()).toEqual([p.entries[0]!.ref])
  })
})

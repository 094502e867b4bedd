import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asAgentId, type ConversationId } from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from '../stacks/create'
import type { SqliteStackStore } from '../stacks/sqliteStacks'
import { collectRows } from '../../bundles/collect'
import { callHeaderSql, DEFAULT_HEADER_EXTRAS, storedCallHeader } from './entryHeader'
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

describe('the header of a model call stored in a stack row (schema v16)', () => {
  const metrics = (model: string, offline: unknown) => ({ model, provider: 'p', promptTokens: 3, completionTokens: 2, costUsd: 0, latencyMs: 1, offline, replayed: false })
  const tagsOf = (model: string, offline: boolean) => ['model_call', model, ...(offline ? ['offline'] : [])]
  const encoded = (tags: string[]) => HeaderExtrasColumn.encode({ tags, parentRefs: [], provenance: {}, meta: {} })

  it('is empty exactly when the metrics imply it, and SQL rebuilds the same JSON the codec wrote', () => {
    const rebuild = store.db.prepare(`SELECT ${callHeaderSql('h', 'b')} FROM (SELECT '' AS h, ? AS b)`).pluck()
    for (const [model, offline] of [['openai/gpt-4o-mini', false], ['local/scripted', true], ['a b:c@d+e~f', true], ['', false]] as const) {
      const m = metrics(model, offline)
      expect(storedCallHeader(encoded(tagsOf(model, offline)), m)).toBe('')
      expect(rebuild.get(JSON.stringify(m))).toBe(encoded(tagsOf(model, offline)))
    }
    // Anything else keeps its JSON: other tags, a model the two JSON writers could spell apart, an offline flag that is not a boolean.
    expect(storedCallHeader(encoded(['model_call', 'm', 'extra']), metrics('m', false))).not.toBe('')
    expect(storedCallHeader(encoded(tagsOf('m', false)), metrics('m', true))).not.toBe('')
    for (const model of ['quote"d', 'back\\slash', 'tab\there', 'é-model', '\u2028']) expect(storedCallHeader(encoded(tagsOf(model, false)), metrics(model, false))).not.toBe('')
    expect(storedCallHeader(encoded(tagsOf('m', true)), metrics('m', 1))).not.toBe('')
    expect(storedCallHeader(encoded(tagsOf('m', true)), null)).not.toBe('')
    // Objects whose JSON could say something else than their properties: a getter, toJSON, an inherited model.
    const getter = { ...metrics('m', true), get model() { return 'm' } }
    expect(storedCallHeader(encoded(tagsOf('m', true)), getter)).not.toBe('')
    expect(storedCallHeader(encoded(tagsOf('m', true)), { ...metrics('m', true), toJSON: () => ({}) })).not.toBe('')
    expect(storedCallHeader(encoded(tagsOf('m', true)), Object.assign(Object.create({ model: 'm' }), { offline: true }))).not.toBe('')
  })

  it('reads back through the store, the views, a tag query, an archived copy and a bundle export', () => {
    const call = { payload: metrics('local/scripted', true), tags: tagsOf('local/scripted', true) }
    const odd = { payload: metrics('é-model', false), tags: tagsOf('é-model', false) }
    stacks.push(conv, A, [{ kind: 'assistant_message', content: 'one' }], { modelCall: odd })
    stacks.push(conv, A, [{ kind: 'assistant_message', content: 'two' }], { modelCall: call })
    expect(store.db.prepare('SELECT call_header = \'\' FROM stack_entries ORDER BY key').pluck().all()).toEqual([0, 1])
    const refs = artifacts.query({ sessionId: conv, type: 'metrics' }).map((h) => h.ref)
    expect(refs.map((r) => artifacts.get(r).header.tags).sort()).toEqual([tagsOf('local/scripted', true), tagsOf('é-model', false)].sort())
    expect(artifacts.query({ tag: 'offline' }).map((h) => artifacts.get(h.ref).payload)).toEqual([call.payload])
    expect(store.db.prepare("SELECT COUNT(*) FROM artifact_tags WHERE tag = 'model_call'").pluck().get()).toBe(2)
    expect(store.db.prepare('SELECT header FROM all_artifacts WHERE type = \'metrics\' ORDER BY ts, ref').pluck().all()).toContain(encoded(call.tags))
    const bundled = collectRows(store.db, { conversations: [conv] }).artifacts.filter((a) => a.type === 'metrics').map((a) => a.header)
    expect(bundled.sort()).toEqual([encoded(call.tags), encoded(odd.tags)].sort())
    // A rewind keeps the cut model call as an artifact row with its header spelled out.
    const callRef = refs.find((r) => artifacts.get(r).header.tags.includes('offline'))!
    stacks.rewind(conv, A, undefined, 0)
    expect(store.db.prepare('SELECT header FROM artifacts WHERE ref = ?').pluck().get(callRef)).toBe(encoded(call.tags))
    expect(artifacts.get(callRef).header.tags).toEqual(call.tags)
  })
})

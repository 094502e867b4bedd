import { describe, expect, it } from 'vitest'
import { openStore } from '../storage/sqliteStore'
import { createStackStorage } from '../storage/stacks/create'
import { collectRows } from './collect'

const T0 = Date.UTC(2026, 5, 1, 12)
const h = (c: string) => c.repeat(64)

describe('the recordings a bundle of conversations carries', () => {
  it("takes the requests recorded for its conversations with every occurrence, untagged ones of their time, and no other conversation's requests", () => {
    const store = openStore(':memory:')
    let now = T0
    const { stacks } = createStackStorage(store, () => now)
    const a = stacks.createConversation({ name: 'a', rootAgent: 'agent_alpha', id: 'chat_a' }).id
    const b = stacks.createConversation({ name: 'b', rootAgent: 'agent_alpha', id: 'chat_b' }).id
    now += 2000
    stacks.push(a, 'agent_alpha' as never, [{ kind: 'user_message', text: 'hi' }])
    stacks.push(b, 'agent_alpha' as never, [{ kind: 'user_message', text: 'hi' }])
    const put = store.db.prepare('INSERT INTO model_recordings (hash, ordinal, model, doc, recorded_at, conversation_id) VALUES (?, ?, ?, ?, ?, ?)')
    const at = new Date(T0 + 1000).toISOString()
    put.run(h('1'), 0, 'm', '{}', at, a) // a's request
    put.run(h('1'), 1, 'm', '{}', at, b) // the same request, asked again by b: a replay of a may need it
    put.run(h('2'), 0, 'm', '{}', at, b) // b's own request, made while a ran
    put.run(h('3'), 0, 'm', '{}', at, null) // recorded before recordings named conversations, while a ran
    put.run(h('4'), 0, 'm', '{}', new Date(T0 + 3_600_000).toISOString(), null) // untagged, long after
    const keys = (id: string) => collectRows(store.db, { conversations: [id] }).recordings.map((r) => `${r.hash[0]}#${r.ordinal}`).sort()
    expect(keys(a)).toEqual(['1#0', '1#1', '3#0'])
    expect(keys(b)).toEqual(['1#0', '1#1', '2#0', '3#0'])
    // A scale-out result: only what was recorded for it (and untagged rows of its time).
    const own = (id: string) => collectRows(store.db, { conversations: [id], ownRecordings: true }).recordings.map((r) => `${r.hash[0]}#${r.ordinal}`).sort()
    expect(own(a)).toEqual(['1#0', '3#0'])
    expect(own(b)).toEqual(['1#1', '2#0', '3#0'])
    store.close()
  })
})

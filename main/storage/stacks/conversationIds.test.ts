import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conversationKeysMigration } from '../migrations/015_conversationKeys'
import { openStore, type SqliteStore } from '../sqliteStore'
import { conversationIdFor, idNotDerived, seqNamedBy } from './conversationIds'
import { createStackStorage } from './create'
import { MAX_SEQ } from './entryKeys'
import { prepareStackStatements } from './statements'

const UUID7 = /^chat_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('conversation ids that name their seq (migration 015)', () => {
  it('are UUIDv7 text carrying the seq, and in creation order', () => {
    const now = Date.UTC(2026, 11, 3, 10)
    for (const seq of [0, 1, 42, 999, 1_000_000, MAX_SEQ]) {
      const id = conversationIdFor(seq, now)
      expect(id).toMatch(UUID7)
      expect(seqNamedBy(id)).toBe(seq)
      expect(parseInt(id.slice(5, 13) + id.slice(14, 18), 16)).toBe(now)
    }
    const ids = [conversationIdFor(7, now), conversationIdFor(8, now), conversationIdFor(3, now + 1)]
    expect([...ids].sort()).toEqual(ids)
    // 36 random bits stay: two ids of the same seq and millisecond differ.
    expect(new Set(Array.from({ length: 200 }, () => conversationIdFor(5, now))).size).toBe(200)
    expect(() => conversationIdFor(-1, now)).toThrow(RangeError)
  })

  it('name no seq when they have another form', () => {
    for (const id of ['chat_fixture', 'ro_1/team/v000', 'chat_019b76db-9260-7000-9af1-aefb37e048f9', 'chat_019B76DB-9260-7000-9000-000000000000', 'CHAT_019b76db-9260-7000-9000-000000000001', `chat_019b76db-9260-7000-9000-000000000001x`]) {
      expect(seqNamedBy(id)).toBeNull()
    }
  })

  it('the SQL test of the partial index agrees with the JavaScript one on every form', () => {
    const db = new Database(':memory:')
    const sqlNames = db.prepare(`SELECT NOT ${idNotDerived()} FROM (SELECT ? AS id, ? AS seq)`).pluck()
    const now = Date.UTC(2026, 0, 1)
    const cases: [string, number][] = [
      [conversationIdFor(12, now), 12],
      [conversationIdFor(12, now), 13],
      [conversationIdFor(0, now), 0],
      ['chat_fixture', 1],
      ['chat_😀9b76db-9260-7000-9000-000000000012', 12],
      ['chat_01a23b5b-df50-7000-9000-0000000120ab', 12],
      ['chat_01a23b5b-df50-7000-9000-00000012zzzz', 12],
      ['chat_01a23b5b-df50-7000-9000-00-000012abc', 12],
      ['', 0],
    ]
    for (const [id, seq] of cases) expect([id, seq, sqlNames.get(id, seq) === 1]).toEqual([id, seq, seqNamedBy(id) === seq])
    db.close()
  })

  it('is the partial index migration 015 creates', () => {
    const squash = (s: string) => s.replace(/\s+/g, ' ').trim()
    expect(squash(conversationKeysMigration.sql)).toContain(squash(`ON conversations(id) WHERE ${idNotDerived()};`))
  })
})

describe('conversations keyed by seq', () => {
  let store: SqliteStore
  beforeEach(() => {
    store = openStore(':memory:')
  })
  afterEach(() => store.close())
  const otherIds = () => store.db.prepare(`SELECT COUNT(*) FROM conversations INDEXED BY conversations_other_id WHERE id = id AND ${idNotDerived()}`).pluck().get()

  it('a generated id goes into no index; a given one into the partial index; both read back by id and name', () => {
    const { stacks } = createStackStorage(store)
    const a = stacks.createConversation({ name: 'a', rootAgent: 'agent_alpha' })
    expect(seqNamedBy(a.id)).toBe(1)
    expect(otherIds()).toBe(0)
    const b = stacks.createConversation({ name: 'b', rootAgent: 'agent_alpha', id: 'chat_given' })
    expect(otherIds()).toBe(1)
    const fresh = createStackStorage(store).stacks
    expect([fresh.getConversation(a.id).name, fresh.getConversation('a').id, fresh.getConversation(b.id).name, fresh.getConversation('b').id]).toEqual(['a', a.id, 'b', b.id])
  })

  it('keeps ids unique without a full index, and writes nothing for a taken one', () => {
    const { stacks } = createStackStorage(store)
    const a = stacks.createConversation({ name: 'a', rootAgent: 'agent_alpha' })
    stacks.createConversation({ name: 'b', rootAgent: 'agent_alpha', id: 'chat_given' })
    // A generated id of another conversation, given again: it names seq 1, this row would get seq 3.
    expect(() => stacks.createConversation({ name: 'c', rootAgent: 'agent_alpha', id: a.id })).toThrow(`conversation id ${a.id} already exists`)
    expect(() => stacks.createConversation({ name: 'c', rootAgent: 'agent_alpha', id: 'chat_given' })).toThrow('conversation id chat_given already exists')
    expect(() => stacks.createConversation({ name: 'a', rootAgent: 'agent_alpha' })).toThrow('conversation a already exists')
    expect(stacks.listConversations().map((c) => c.name)).toEqual(['a', 'b'])
  })

  it('checks a generated id against the partial index alone, through that index', () => {
    const { stacks } = createStackStorage(store)
    const st = prepareStackStatements(store.db)
    stacks.createConversation({ name: 'a', rootAgent: 'agent_alpha' })
    // An id in the generated form that names seq 3, given to the row of seq 2: it is kept in the partial index.
    const taken = conversationIdFor(3, Date.UTC(2026, 11, 3))
    stacks.createConversation({ name: 'b', rootAgent: 'agent_alpha', id: taken })
    expect([st.otherIdTaken.get(taken), st.otherIdTaken.get(conversationIdFor(3, Date.UTC(2026, 11, 4)))]).toEqual([1, undefined])
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM conversations WHERE id = ? AND ${idNotDerived()}`).all(taken) as { detail: string }[]).map((r) => r.detail)
    expect(plan.join('; ')).toContain('USING COVERING INDEX conversations_other_id')
    expect(plan.join('; ')).not.toMatch(/SCAN/)
  })

  it('deletes the branch rows and the checked-out pointer of a deleted conversation (no cascade since 015)', () => {
    const { stacks } = createStackStorage(store)
    const A = 'agent_alpha' as never
    const keep = stacks.createConversation({ name: 'keep', rootAgent: A })
    stacks.push(keep.id, A, [{ kind: 'user_message', text: 'kept' }])
    const c = stacks.createConversation({ name: 'gone', rootAgent: A })
    stacks.push(c.id, A, [{ kind: 'user_message', text: 'one' }])
    stacks.fork(c.id, A, undefined, 0)
    stacks.deleteConversation(c.id)
    const count = (t: string) => store.db.prepare(`SELECT COUNT(*) FROM ${t} WHERE conversation_id = ?`).pluck().get(c.id)
    expect([count('stack_branches'), count('stack_current'), count('stack_entries')]).toEqual([0, 0, 0])
    expect(stacks.read(keep.id, A).map((e) => e.state)).toEqual([{ kind: 'user_message', text: 'kept', meta: null }])
    expect(store.db.prepare('PRAGMA foreign_key_check').all()).toEqual([])
  })

  it('a new conversation never takes a seq that still has rows, so its keys meet none of them', () => {
    const { stacks } = createStackStorage(store)
    const A = 'agent_alpha' as never
    const old = stacks.createConversation({ name: 'old', rootAgent: A })
    stacks.push(old.id, A, [{ kind: 'user_message', text: 'left behind' }])
    // Rows another path left behind (by hand; deleteConversation removes them with the row).
    store.db.prepare('DELETE FROM conversations WHERE seq = 1').run()
    const fresh = createStackStorage(store).stacks
    const next = fresh.createConversation({ name: 'next', rootAgent: A })
    expect(seqNamedBy(next.id)).toBe(2)
    expect(fresh.listBranches(next.id, A).map((b) => [b.branch, b.length])).toEqual([['main', 0]])
    // Under seq 1 this push would have collided with the rows left there.
    fresh.push(next.id, A, [{ kind: 'user_message', text: 'mine' }])
    expect(fresh.read(next.id, A).map((e) => e.state)).toEqual([{ kind: 'user_message', text: 'mine', meta: null }])
    expect(fresh.agentsOf(next.id)).toEqual([A])
  })

  it('a seq freed by deleting the newest conversation is used again: nothing is left under it', () => {
    const { stacks } = createStackStorage(store)
    const A = 'agent_alpha' as never
    stacks.createConversation({ name: 'keep', rootAgent: A })
    const gone = stacks.createConversation({ name: 'gone', rootAgent: A })
    stacks.push(gone.id, A, [{ kind: 'user_message', text: 'deleted with it' }])
    stacks.deleteConversation(gone.id)
    const next = stacks.createConversation({ name: 'next', rootAgent: A })
    expect(seqNamedBy(next.id)).toBe(2)
    stacks.push(next.id, A, [{ kind: 'user_message', text: 'mine' }])
    expect(stacks.read(next.id, A).map((e) => e.state)).toEqual([{ kind: 'user_message', text: 'mine', meta: null }])
  })
})


import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asAgentId, asBranchId } from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from './create'
import { checkEntryIndex, entryRefs, KEY_IN_CONVERSATION, keyOfRef, MAX_INDEX, MAX_SEQ, STATE_REF_PREFIX } from './entryKeys'

const A = asAgentId('agent_alpha')
const B = asAgentId('agent_beta')
let store: SqliteStore
let storage: ReturnType<typeof createStackStorage>
const count = (sql: string, ...args: unknown[]) => store.db.prepare(sql).pluck().get(...args) as number

beforeEach(() => {
  store = openStore(':memory:')
  storage = createStackStorage(store)
})
afterEach(() => store.close())

describe('integer stack keys (migration 013)', () => {
  it('derive a ref from the row key and the episode, and read the key back from it', () => {
    const refs = entryRefs(5, 2, 7, '0a1b2c3d')
    expect(refs.state).toBe(`${STATE_REF_PREFIX}0a1b2c3d0000005000200007`)
    expect(keyOfRef(refs.state)).toEqual({ call: false, seq: 5, stack: 2, idx: 7 })
    expect(keyOfRef(refs.call)).toEqual({ call: true, seq: 5, stack: 2, idx: 7 })
    expect(keyOfRef('359230541c1f3d860000000000000001')).toBeNull()
    // An episode id of another form (an import from an older build) gets a ref of the other kind.
    expect(keyOfRef(entryRefs(1, 0, 0, 'legacy-episode').state)).toBeNull()
  })

  it('stores each push without a write to the ref indexes, and reads states by ref and session through the key', () => {
    const { stacks, artifacts } = storage
    const c = stacks.createConversation({ name: 'k', rootAgent: A })
    stacks.push(c.id, A, [{ kind: 'user_message', text: 'hi' }])
    const payload = { model: 'm', provider: 'p', promptTokens: 1, completionTokens: 1, costUsd: 0, latencyMs: 0, offline: true, replayed: false }
    const answer = stacks.push(c.id, A, [{ kind: 'assistant_message', content: 'hello' }], { modelCall: { payload, tags: ['model_call'] } })
    stacks.push(c.id, B, [{ kind: 'user_message', text: 'other agent' }])
    expect(count('SELECT COUNT(*) FROM stack_entries INDEXED BY stack_entries_ref WHERE ref IS NOT NULL AND (substr(ref, 1, 8) <> \'5747e000\' OR substr(ref, 17) <> printf(\'%016x\', key))')).toBe(0)
    expect(count('SELECT COUNT(*) FROM stack_entries WHERE call_ref IS NOT NULL')).toBe(1)
    // Stack numbers of a conversation created here come without a read; another connection reads the next free one.
    expect(store.db.prepare('SELECT agent_id, (key >> 20) & 65535 FROM stack_branches WHERE conversation_id = ? ORDER BY key').raw().all(c.id)).toEqual([[A, 0], [B, 1]])
    const other = createStackStorage(store)
    other.stacks.push(c.id, asAgentId('agent_gamma'), [{ kind: 'user_message', text: 'third' }])
    expect(count("SELECT (key >> 20) & 65535 FROM stack_branches WHERE conversation_id = ? AND agent_id = 'agent_gamma'", c.id)).toBe(2)
    const [metrics] = artifacts.query({ sessionId: c.id, type: 'metrics' })
    expect(artifacts.get(metrics!.ref).payload).toEqual(payload)
    expect(artifacts.get(answer.entries[0]!.ref).payload).toMatchObject({ content: 'hello' })
    expect(artifacts.query({ sessionId: c.id }).length).toBe(5)
    // The session's rows are read as one key range of the table, not by scanning it.
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN SELECT ref FROM stack_entries WHERE ${KEY_IN_CONVERSATION}`).all(c.id, c.id) as { detail: string }[]
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/stack_entries USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/)
    // The conversation is found by the seq its id names, else through the partial index of other ids: no scan.
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/SEARCH cs_ USING INTEGER PRIMARY KEY \(rowid=\?\)[^]*SEARCH cs_ USING COVERING INDEX conversations_other_id \(id=\?\)/)
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/SCAN (stack_entries|cs_|conversations)/)
  })

  it('gives a state pushed again at a rewound index a new ref; the removed one stays an artifact', () => {
    const { stacks, artifacts } = storage
    const c = stacks.createConversation({ name: 'r', rootAgent: A })
    const first = stacks.push(c.id, A, [{ kind: 'user_message', text: 'one' }, { kind: 'user_message', text: 'two' }]).entries
    stacks.rewind(c.id, A, undefined, 0)
    const again = stacks.push(c.id, A, [{ kind: 'user_message', text: 'two again' }]).entries
    expect(again[0]!.index).toBe(1)
    expect(again[0]!.ref).not.toBe(first[1]!.ref)
    expect(keyOfRef(again[0]!.ref)).toEqual(keyOfRef(first[1]!.ref))
    expect(artifacts.get(first[1]!.ref).payload).toMatchObject({ text: 'two' })
    expect(artifacts.get(again[0]!.ref).payload).toMatchObject({ text: 'two again' })
  })

  it('deletes the rows of a pruned branch and of a deleted conversation (entries have no foreign key to cascade)', () => {
    const { stacks } = storage
    const c = stacks.createConversation({ name: 'p', rootAgent: A })
    stacks.push(c.id, A, [{ kind: 'user_message', text: 'one' }])
    const side = stacks.fork(c.id, A, undefined, 0).branch
    stacks.push(c.id, A, [{ kind: 'user_message', text: 'on the side' }], { branch: side })
    stacks.checkout(c.id, A, asBranchId('main'))
    stacks.prune(c.id, A, { olderThan: Date.now() + 60_000, dryRun: false })
    expect(count('SELECT COUNT(*) FROM stack_entries WHERE branch_id = ?', side)).toBe(0)
    stacks.deleteConversation(c.id)
    expect(count('SELECT COUNT(*) FROM stack_entries')).toBe(0)
    // The newest conversation's number is used again: the new one starts empty.
    const next = stacks.createConversation({ name: 'p2', rootAgent: A })
    expect(stacks.read(next.id, A)).toEqual([])
    expect(stacks.push(next.id, A, [{ kind: 'user_message', text: 'fresh' }]).entries[0]!.index).toBe(0)
  })

  it('refuses a push past the last index, a stack past the last number and a conversation past the last one, writing nothing', () => {
    expect(() => checkEntryIndex(MAX_INDEX + 1, 'main')).toThrow(/branch main is full/)
    expect(() => checkEntryIndex(MAX_INDEX, 'main')).not.toThrow()
    const { stacks } = storage
    const c = stacks.createConversation({ name: 'full', rootAgent: A })
    stacks.push(c.id, A, [{ kind: 'user_message', text: 'one' }])
    // Another agent's stack already has the last number.
    store.db.prepare(`INSERT INTO stack_branches (key, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
      VALUES ((SELECT seq FROM conversations WHERE name = 'full') * 68719476736 + 65535 * 1048576, ?, 'other', 'main', NULL, NULL, 0, NULL, '00000000', 0)`).run(c.id)
    expect(() => stacks.fork(c.id, A, undefined, 0)).toThrow(/holds the most stacks it can/)
    expect(count('SELECT COUNT(*) FROM stack_branches WHERE conversation_id = ?', c.id)).toBe(2)
    expect(stacks.listBranches(c.id, A).map((b) => b.branch)).toEqual(['main'])
    // The conversation after the last number a key can hold is refused, and not kept.
    store.db.prepare(`INSERT INTO conversations (seq, id, name, root_agent, created_at, metadata) VALUES (?, 'chat_last', 'last', 'agent_alpha', 0, '{"schemaVersion":1,"metadata":{}}')`).run(MAX_SEQ)
    expect(() => stacks.createConversation({ name: 'one too many', rootAgent: A })).toThrow(/holds the most conversations it can/)
    expect(stacks.findConversation('one too many')).toBeNull()
  })
})

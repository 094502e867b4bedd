import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UserInputError } from '../../engine/errors'
import {
  asAgentId,
  asBranchId,
  asConversationId,
  type ConversationId,
  type StateInput,
} from '../../engine/schema/states'
import { openStore, type SqliteStore } from '../sqliteStore'
import { createStackStorage } from './create'
import { NEXT_SEQ } from './entryKeys'
import type { SqliteArtifactStore } from '../artifacts/sqliteArtifacts'
import type { SqliteStackStore } from './sqliteStacks'

const A = asAgentId('agent_alpha')
const B = asAgentId('child')
const user = (text: string): StateInput => ({ kind: 'user_message', text })
const say = (content: string): StateInput => ({ kind: 'assistant_message', content })

let store: SqliteStore
let stacks: SqliteStackStore
let artifacts: SqliteArtifactStore
let clock: number
let conv: ConversationId

/** Whole-database snapshot of the stack tables, to prove a failed call changed nothing. */
const snapshot = () =>
  ['conversations', 'stack_branches', 'stack_current', 'stack_entries', 'artifacts', 'artifact_payloads'].map((t) =>
    store.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all(),
  )

const texts = (b?: string) =>
  stacks.read(conv, A, b === undefined ? undefined : asBranchId(b)).map((e) => (e.state.kind === 'user_message' ? e.state.text : e.state.kind === 'assistant_message' ? e.state.content : e.state.kind))

/** Pushes n user messages m0..m(n-1), one per tick. */
function fill(n: number, prefix = 'm', branch?: string) {
  for (let i = 0; i < n; i++) {
    clock += 1000
    stacks.push(conv, A, [user(`${prefix}${i}`)], branch ? { branch: asBranchId(branch) } : {})
  }
}

beforeEach(() => {
  store = openStore(':memory:')
  clock = Date.UTC(2026, 0, 1)
  ;({ stacks, artifacts } = createStackStorage(store, () => clock))
  conv = stacks.createConversation({ name: 'demo', rootAgent: A, id: 'chat_1' }).id
})
afterEach(() => store.close())

describe('conversations', () => {
  it('creates, finds by id or name, rejects duplicates and unknown names', () => {
    expect(stacks.getConversation('demo')).toEqual({ id: 'chat_1', name: 'demo', rootAgent: A, createdAt: clock, metadata: {} })
    expect(stacks.getConversation('chat_1').name).toBe('demo')
    expect(() => stacks.createConversation({ name: 'demo', rootAgent: A })).toThrow('conversation demo already exists')
    expect(() => stacks.getConversation('nope')).toThrow('unknown conversation nope; known: demo')
    const r = stacks.createConversation({ name: 'roll', rootAgent: 'x', metadata: { rolloutId: 'r1', teamId: 't', variantId: 'v' } })
    expect(stacks.listConversations().map((c) => [c.name, c.metadata])).toEqual([
      ['demo', {}],
      ['roll', { rolloutId: 'r1', teamId: 't', variantId: 'v' }],
    ])
    expect(r.id).toMatch(/^chat_[0-9a-f-]{36}$/)
  })
})

describe('push and read', () => {
  it('appends immutable entries with indexes, timestamps and state artifacts', () => {
    const res = stacks.push(conv, A, [user('hi'), say('hello')])
    expect(res.branch).toBe('main')
    expect(res.length).toBe(2)
    expect(res.entries.map((e) => [e.index, e.ts, e.state])).toEqual([
      [0, clock, { kind: 'user_message', text: 'hi', meta: null }],
      [1, clock, { kind: 'assistant_message', content: 'hello', toolCalls: [], meta: null }],
    ])
    expect(stacks.read(conv, A)).toEqual(res.entries)
    expect(stacks.top(conv, A)).toEqual(res.entries[1])
    expect(stacks.length(conv, A)).toBe(2)
    expect(artifacts.get(res.entries[1]!.ref).payload).toEqual(res.entries[1]!.state)
  })

  it('reads ranges and tails, and accepts the conversation name', () => {
    fill(6)
    expect(stacks.read(conv, A, undefined, { from: 2, to: 4 }).map((e) => e.index)).toEqual([2, 3, 4])
    expect(stacks.read(conv, A, undefined, { limit: 2 }).map((e) => e.index)).toEqual([4, 5])
    expect(stacks.read(asConversationId('demo'), A).length).toBe(6)
  })

  it('rejects invalid states with one message and writes nothing', () => {
    fill(1)
    const before = snapshot()
    expect(() => stacks.push(conv, A, [user('ok'), { kind: 'tool_result', toolCallId: 'x', toolName: 't', status: 'error' } as StateInput])).toThrow(
      'state 1 (kind tool_result) is invalid: (state): a tool result has an error exactly when its status is "error"',
    )
    expect(snapshot()).toEqual(before)
  })

  it('links tool results to their calls and agent results to their agent calls', () => {
    const call = stacks.push(conv, A, [
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }] },
      { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } },
      { kind: 'waiting', waitingFor: 'tool', deadline: clock + 30_000, correlationId: 'c1' },
    ])
    const res = stacks.push(conv, A, [{ kind: 'tool_result', toolCallId: 'c1', toolName: 'get_weather', status: 'ok', result: { t: 3 }, reward: 1 }])
    const header = artifacts.get(res.entries[0]!.ref).header
    expect(header.parentRefs).toEqual([call.entries[1]!.ref])
    expect(header.reward).toBe(1)
    expect(artifacts.children(call.entries[1]!.ref).map((h) => h.ref)).toEqual([res.entries[0]!.ref])
    const both = stacks.push(conv, A, [
      { kind: 'agent_call', agentId: 'child', message: 'help', correlationId: 'k1' },
      { kind: 'agent_result', correlationId: 'k1', result: { content: 'done' } },
    ])
    expect(artifacts.get(both.entries[1]!.ref).header.parentRefs).toEqual([both.entries[0]!.ref])
  })

  it('keeps one stack per agent', () => {
    fill(2)
    stacks.push(conv, B, [user('child task')])
    expect(stacks.length(conv, B)).toBe(1)
    expect(stacks.agentsOf(conv)).toEqual([A, B])
  })

  it('reads no rows for a second agent of a conversation it created (a delegation), and still finds its rows after', () => {
    fill(2)
    const prepare = store.db.prepare.bind(store.db)
    const reads: string[] = []
    store.db.prepare = ((sql: string) => {
      const st = prepare(sql)
      if (!/^\s*(SELECT|WITH)/i.test(sql)) return st
      const [get, all] = [st.get.bind(st), st.all.bind(st)]
      Object.assign(st, { get: (...a: unknown[]) => (reads.push(sql), get(...a)), all: (...a: unknown[]) => (reads.push(sql), all(...a)) })
      return st
    }) as typeof store.db.prepare
    ;({ stacks, artifacts } = createStackStorage(store, () => clock))
    const c = stacks.createConversation({ name: 'deleg', rootAgent: A }).id
    stacks.push(c, A, [user('parent task')])
    stacks.push(c, B, [user('child task')])
    expect(stacks.currentBranch(c, B)).toBe('main')
    // Creating the conversation reads the last branch key for its seq (NEXT_SEQ); the pushes read no branch.
    expect(reads.filter((sql) => sql !== NEXT_SEQ && /stack_current|stack_branches/.test(sql))).toEqual([])
    expect([stacks.length(c, A), stacks.length(c, B), stacks.agentsOf(c)]).toEqual([1, 1, [A, B]])
  })
})

describe('branches', () => {
  it('forks at an arbitrary index without copying rows and checks the fork out', () => {
    fill(22)
    const rowsBefore = store.db.prepare('SELECT COUNT(*) FROM stack_entries').pluck().get()
    const f = stacks.fork(conv, A, undefined, 10)
    expect(f).toEqual({ branch: f.branch, length: 11, lastTs: Date.UTC(2026, 0, 1) + 11_000, current: true, parent: 'main', forkIndex: 10, episodeId: f.episodeId, createdAt: clock })
    expect(f.branch).toMatch(/^[0-9a-f]{8}$/)
    expect(store.db.prepare('SELECT COUNT(*) FROM stack_entries').pluck().get()).toBe(rowsBefore)
    expect(stacks.currentBranch(conv, A)).toBe(f.branch)
    expect(texts()).toEqual(Array.from({ length: 11 }, (_, i) => `m${i}`))
    fill(2, 'f')
    expect(texts()).toEqual([...Array.from({ length: 11 }, (_, i) => `m${i}`), 'f0', 'f1'])
    expect(stacks.length(conv, A, asBranchId('main'))).toBe(22)
  })

  it('reads lineage through several forks, including a fork inside the inherited part', () => {
    fill(5) // main m0..m4
    const b1 = stacks.fork(conv, A, undefined, 3).branch // m0..m3
    fill(2, 'b') // + b0 b1 -> len 6
    const b2 = stacks.fork(conv, A, b1, 4).branch // m0..m3 b0
    fill(1, 'c')
    const b3 = stacks.fork(conv, A, b2, 1).branch // m0 m1 (inherited from main through b1, b2)
    fill(1, 'd')
    expect(texts(b1)).toEqual(['m0', 'm1', 'm2', 'm3', 'b0', 'b1'])
    expect(texts(b2)).toEqual(['m0', 'm1', 'm2', 'm3', 'b0', 'c0'])
    expect(texts(b3)).toEqual(['m0', 'm1', 'd0'])
    expect(stacks.read(conv, A, b2, { from: 3, to: 5 }).map((e) => e.index)).toEqual([3, 4, 5])
    expect(stacks.listBranches(conv, A).map((b) => [b.branch, b.length, b.parent, b.forkIndex, b.current])).toEqual([
      ['main', 5, null, null, false],
      [b1, 6, 'main', 3, false],
      [b2, 6, b1, 4, false],
      [b3, 3, b2, 1, true],
    ])
  })

  it('rewinds destructively while branches forked later keep their entries', () => {
    fill(6)
    const child = stacks.fork(conv, A, undefined, 4).branch
    stacks.checkout(conv, A, asBranchId('main'))
    const r = stacks.rewind(conv, A, undefined, 1)
    expect([r.branch, r.length, r.current, r.lastTs]).toEqual(['main', 2, true, Date.UTC(2026, 0, 1) + 2000])
    expect(texts()).toEqual(['m0', 'm1'])
    expect(texts(child)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
    fill(1, 'n')
    expect(texts()).toEqual(['m0', 'm1', 'n0'])
    expect(texts(child)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'])
  })

  it('checks out existing branches only', () => {
    fill(3)
    const f = stacks.fork(conv, A, undefined, 0).branch
    expect(stacks.checkout(conv, A, asBranchId('main')).current).toBe(true)
    expect(stacks.currentBranch(conv, A)).toBe('main')
    expect(stacks.checkout(conv, A, f)).toMatchObject({ branch: f, current: true })
    expect(() => stacks.checkout(conv, A, asBranchId('abc12345'))).toThrow(`unknown branch abc12345 for conversation demo; branches: main, ${f}`)
  })

  it('writes late results to the branch that asked, not the checked-out one', () => {
    fill(2)
    stacks.push(conv, A, [{ kind: 'tool_call', id: 'c9', name: 'get_weather', arguments: {} }])
    const f = stacks.fork(conv, A, undefined, 1).branch
    expect(stacks.currentBranch(conv, A)).toBe(f)
    const late = stacks.push(conv, A, [{ kind: 'tool_result', toolCallId: 'c9', toolName: 'get_weather', status: 'ok', result: 1 }], { branch: asBranchId('main') })
    expect(late.branch).toBe('main')
    expect(texts('main')).toEqual(['m0', 'm1', 'tool_call', 'tool_result'])
    expect(texts(f)).toEqual(['m0', 'm1'])
    expect(artifacts.get(late.entries[0]!.ref).header.branchId).toBe('main')
  })

  it('prunes old branches (dry run, then execute), never main or current, keeping descendants intact', () => {
    fill(4)
    const old = stacks.fork(conv, A, undefined, 2).branch
    fill(1, 'o')
    const grandchild = stacks.fork(conv, A, old, 3).branch // inherits o0 from `old`
    clock += 10 * 86_400_000
    fill(1, 'g')
    stacks.checkout(conv, A, asBranchId('main'))
    const cutoff = clock - 86_400_000
    const dry = stacks.prune(conv, A, { olderThan: cutoff, dryRun: true })
    expect([dry.deleted, dry.candidates.map((c) => c.branch)]).toEqual([false, [old]])
    expect(stacks.listBranches(conv, A).length).toBe(3)
    const done = stacks.prune(conv, A, { olderThan: cutoff, dryRun: false })
    expect([done.deleted, done.candidates.map((c) => c.branch)]).toEqual([true, [old]])
    expect(stacks.listBranches(conv, A).map((b) => [b.branch, b.parent, b.forkIndex])).toEqual([
      ['main', null, null],
      [grandchild, 'main', 2],
    ])
    expect(texts(grandchild)).toEqual(['m0', 'm1', 'm2', 'o0', 'g0'])
    expect(stacks.prune(conv, A, { olderThan: clock + 1, dryRun: false }).candidates.map((c) => c.branch)).toEqual([grandchild])
    expect(stacks.listBranches(conv, A).map((b) => b.branch)).toEqual(['main'])
  })

  it('lists an implicit empty main for an agent without a stack', () => {
    expect(stacks.listBranches(conv, B)).toEqual([
      { branch: 'main', length: 0, lastTs: null, current: true, parent: null, forkIndex: null, episodeId: '', createdAt: 0 },
    ])
    expect(stacks.read(conv, B)).toEqual([])
    expect(stacks.top(conv, B)).toBeNull()
  })
})

describe('errors leave the database unchanged', () => {
  it('reports bad indexes and branches clearly', () => {
    fill(22)
    const f = stacks.fork(conv, A, undefined, 3).branch
    stacks.checkout(conv, A, asBranchId('main'))
    const before = snapshot()
    const cases: Array<[() => unknown, string]> = [
      [() => stacks.fork(conv, A, undefined, 40), 'index 40 out of range: branch main has 22 entries (0–21)'],
      [() => stacks.fork(conv, A, undefined, -1), 'index -1 out of range: branch main has 22 entries (0–21)'],
      [() => stacks.rewind(conv, A, undefined, 1.5), 'index 1.5 is not a whole number: branch main has 22 entries (0–21)'],
      [() => stacks.rewind(conv, A, f, 4), `index 4 out of range: branch ${f} has 4 entries (0–3)`],
      [() => stacks.fork(conv, B, undefined, 0), 'index 0 out of range: branch main has no entries'],
      [() => stacks.fork(conv, A, asBranchId('abc12345'), 0), `unknown branch abc12345 for conversation demo; branches: main, ${f}`],
      [() => stacks.push(conv, B, [user('x')], { branch: asBranchId('deadbeef') }), 'unknown branch deadbeef for conversation demo, agent child; branches: main'],
      [() => stacks.read(conv, A, undefined, { from: 30 }), 'from 30 out of range: branch main has 22 entries (0–21)'],
      [() => stacks.read(conv, A, undefined, { limit: 0 }), 'limit 0 out of range: expected a whole number ≥ 1'],
      [() => stacks.push(asConversationId('nope'), A, [user('x')]), 'unknown conversation nope; known: demo'],
      [() => stacks.prune(conv, A, { olderThan: Number.NaN, dryRun: false }), 'prune cutoff NaN: expected epoch milliseconds'],
    ]
    for (const [fn, message] of cases) {
      let caught: unknown
      try {
        fn()
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(UserInputError)
      expect((caught as Error).message).toBe(message)
    }
    expect(snapshot()).toEqual(before)
  })
})

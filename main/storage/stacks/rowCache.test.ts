import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { asAgentId, type ConversationId } from '../../engine/schema/states'
import { openStore } from '../sqliteStore'
import { createStackStorage } from './create'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const A = asAgentId('agent')
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Two connections on one file, as the app and the CLI next to it. */
function twoProcesses() {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-rows-'))
  dirs.push(dir)
  const file = join(dir, 'db.sqlite')
  const app = openStore(file)
  const cli = openStore(file)
  return { app, cli, appStacks: createStackStorage(app).stacks, cliStacks: createStackStorage(cli).stacks }
}

describe('row copies of the stack store', () => {
  it('see another connection’s pushes on the next event-loop turn, and at once inside a write', async () => {
    const t = twoProcesses()
    const conv = t.appStacks.createConversation({ name: 'shared', rootAgent: 'agent', metadata: {} }).id as ConversationId
    t.appStacks.push(conv, A, [{ kind: 'user_message', text: 'one', meta: null }])
    expect(t.appStacks.length(conv, A)).toBe(1) // the branch row is now cached by the app
    t.cliStacks.push(conv, A, [{ kind: 'user_message', text: 'two', meta: null }])
    // a push of the app holds the write lock and checks data_version first: it appends after "two"
    const r = t.appStacks.push(conv, A, [{ kind: 'user_message', text: 'three', meta: null }])
    expect(r.entries[0]!.index).toBe(2)
    t.cliStacks.push(conv, A, [{ kind: 'user_message', text: 'four', meta: null }])
    await nextTurn()
    expect(t.appStacks.read(conv, A).map((e) => (e.state.kind === 'user_message' ? e.state.text : ''))).toEqual(['one', 'two', 'three', 'four'])
    t.app.close()
    t.cli.close()
  })

  it('follow a checkout and a rename made by another connection', async () => {
    const t = twoProcesses()
    const conv = t.appStacks.createConversation({ name: 'old', rootAgent: 'agent', metadata: {} }).id as ConversationId
    t.appStacks.push(conv, A, [{ kind: 'user_message', text: 'one', meta: null }, { kind: 'user_message', text: 'two', meta: null }])
    expect(t.appStacks.currentBranch(conv, A)).toBe('main')
    const fork = t.cliStacks.fork(conv, A, undefined, 0)
    t.cliStacks.renameConversation(conv, 'new')
    await nextTurn()
    expect(t.appStacks.currentBranch(conv, A)).toBe(fork.branch)
    expect(t.appStacks.length(conv, A)).toBe(1)
    expect(t.appStacks.getConversation(conv).name).toBe('new')
    t.app.close()
    t.cli.close()
  })

  it('see a branch another connection made in a conversation this one just created, and continue its step counter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-rows-'))
    dirs.push(dir)
    const file = join(dir, 'db.sqlite')
    const app = openStore(file)
    const cli = openStore(file)
    const mine = createStackStorage(app)
    const theirs = createStackStorage(cli)
    const conv = mine.stacks.createConversation({ name: 'fresh', rootAgent: 'agent', metadata: {} }).id as ConversationId
    const first = mine.stacks.push(conv, A, [{ kind: 'user_message', text: 'one', meta: null }])
    // the app's metrics take the next step; then the CLI writes (its own counter read from SQLite)
    mine.artifacts.record({ type: 'metrics', sessionId: conv, agentId: 'agent', payload: { n: 1 } })
    theirs.stacks.push(conv, A, [{ kind: 'user_message', text: 'two', meta: null }])
    const other = theirs.stacks.createConversation({ name: 'other', rootAgent: 'agent', metadata: {} }).id as ConversationId
    // a conversation created here, whose first branch the other connection makes
    const fresh = mine.stacks.createConversation({ name: 'fresh2', rootAgent: 'agent', metadata: {} }).id as ConversationId
    theirs.stacks.push(fresh, A, [{ kind: 'user_message', text: 'theirs first', meta: null }])
    await nextTurn()
    const third = mine.stacks.push(conv, A, [{ kind: 'user_message', text: 'three', meta: null }])
    const after = mine.stacks.push(fresh, A, [{ kind: 'user_message', text: 'mine second', meta: null }])
    expect(after.entries[0]!.index).toBe(1)
    expect(mine.stacks.read(fresh, A).map((e) => (e.state.kind === 'user_message' ? e.state.text : ''))).toEqual(['theirs first', 'mine second'])
    const steps = mine.artifacts.query({ sessionId: conv }).map((h) => h.stepIdx).sort((x, y) => x - y)
    expect(steps).toEqual([0, 1, 2, 3])
    expect(mine.artifacts.get(first.entries[0]!.ref).header.stepIdx).toBe(0)
    expect(mine.artifacts.get(third.entries[0]!.ref).header.stepIdx).toBe(3)
    expect(other).not.toBe(conv)
    app.close()
    cli.close()
  })

  it('report a duplicate conversation name or id with the same error as before (from the unique indexes)', () => {
    const store = openStore(':memory:')
    const { stacks } = createStackStorage(store)
    stacks.createConversation({ name: 'taken', rootAgent: 'agent', metadata: {}, id: 'chat_1' })
    expect(() => stacks.createConversation({ name: 'taken', rootAgent: 'agent', metadata: {} })).toThrow('conversation taken already exists')
    expect(() => stacks.createConversation({ name: 'new', rootAgent: 'agent', metadata: {}, id: 'chat_1' })).toThrow('conversation id chat_1 already exists')
    expect(stacks.listConversations().map((c) => c.name)).toEqual(['taken'])
    store.close()
  })
})

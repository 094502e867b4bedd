import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { systemClock } from '../engine/ports/clock'
import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/ports/model'
import { DEFAULT_RUNTIME_SETTINGS } from '../engine/runtime/context'
import { Engine } from '../engine/runtime/engine'
import { MemoryOverrideStore } from '../engine/runtime/overrides'
import { llmAgent, CONFIG_DIR } from '../engine/testing/engineHarness'
import { AgentTemplates } from '../engine/templates/agentTemplates'
import { builtinRegistry } from '../engine/tools/builtins'
import { defineTool } from '../engine/tools/defineTool'
import { GroupCommit } from './groupCommit'
import { openStore } from './sqliteStore'
import { createStackStorage } from './stacks/create'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** Asks for `probe`, then answers. */
const model: ModelProvider = {
  label: 'test/probe',
  async complete(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1]!
    const message = last.role === 'tool' ? { content: 'done', toolCalls: [] } : { content: '', toolCalls: [{ id: 'call_1', name: 'probe', arguments: '{}' }] }
    return { message, usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, model: req.model, provider: 'test', latencyMs: 0, offline: true }
  },
}

/** Entries of a conversation as another process sees them (committed rows only). */
function committedEntries(file: string, conversation: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('SELECT COUNT(*) FROM stack_entries WHERE conversation_id = ?').pluck().get(conversation) as number
  } finally {
    db.close()
  }
}

function setup(provider: ModelProvider = model, probeInProcess = false) {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-group-'))
  dirs.push(dir)
  const file = join(dir, 'db.sqlite')
  const store = openStore(file)
  const { stacks, artifacts } = createStackStorage(store)
  const group = new GroupCommit(store)
  const seenByProbe: number[] = []
  let conversation = ''
  const probe = defineTool({
    name: 'probe',
    description: 'A tool with a side effect: reports what another process sees when it runs.',
    input: z.object({}),
    ...(probeInProcess ? { inProcess: true } : {}),
    run() {
      seenByProbe.push(committedEntries(file, conversation))
      return { ok: true }
    },
  })
  const engine = new Engine({
    stacks, artifacts, tools: builtinRegistry([probe]), models: () => provider, templates: new AgentTemplates(CONFIG_DIR),
    agents: [llmAgent('agent', ['probe'])], overrides: new MemoryOverrideStore(), clock: systemClock, settings: DEFAULT_RUNTIME_SETTINGS,
    transaction: (fn) => store.write(fn), groupCommit: group,
  })
  return { file, store, stacks, group, engine, seenByProbe, setConversation: (id: string) => { conversation = id } }
}

describe('group commit', () => {
  it('commits the tool call before a side-effecting tool runs, and the answer before it is announced', async () => {
    const t = setup()
    const c = t.engine.startConversation({ agentId: 'agent', name: 'one' })
    t.setConversation(c.id)
    const announced: number[] = []
    t.engine.events.on('answer', () => announced.push(committedEntries(t.file, c.id)))
    t.engine.send(c.id, 'go')
    await t.engine.whenIdle(c.id)
    // user message, assistant message with the call, the tool_call entry, waiting: all durable before the tool ran
    expect(t.seenByProbe).toEqual([4])
    // ... and the result plus the answer too before the answer event
    expect(announced).toEqual([6])
    expect(committedEntries(t.file, c.id)).toBe(6)
    t.engine.close()
    t.store.close()
  })

  it('groups the steps of many conversations into few commits', async () => {
    const t = setup()
    let commits = 0
    t.group.onCommit((err) => { if (err === null) commits++ })
    const ids = Array.from({ length: 50 }, (_, i) => t.engine.startConversation({ agentId: 'agent', name: `c${i}` }).id)
    for (const id of ids) t.engine.send(id, 'go')
    await t.engine.whenIdle()
    for (const id of ids) expect(t.stacks.length(id as never, 'agent' as never)).toBe(6)
    // one conversation alone commits twice (before the tool, after the answer); 50 at once share batches
    expect(commits).toBeLessThan(ids.length)
    t.engine.close()
    t.store.close()
  })

  it('lets conversations that finish together share one commit, each whenIdle resolving only once its writes are durable', async () => {
    // Answers arrive in one event-loop turn but at different moments of it (call k after k microtasks).
    let calls = 0
    const staggered: ModelProvider = {
      label: 'test/staggered',
      async complete(req, options) {
        for (let k = calls++; k > 0; k--) await null
        return model.complete(req, options)
      },
    }
    const t = setup(staggered, true) // a probe with nothing to commit before it, like get_weather
    let commits = 0
    t.group.onCommit((err) => { if (err === null) commits++ })
    const ids = Array.from({ length: 20 }, (_, i) => t.engine.startConversation({ agentId: 'agent', name: `w${i}` }).id)
    // no side-effecting tool here: get_weather-like steps would need no commit at all before the end
    const durable = await Promise.all(ids.map(async (id) => {
      t.engine.send(id, 'go')
      await t.engine.whenIdle(id)
      return committedEntries(t.file, id)
    }))
    expect(durable).toEqual(ids.map(() => 6))
    // before: each whenIdle cut the batch short, one commit per finishing conversation (20 for the answers alone)
    expect(commits).toBeLessThan(6)
    t.engine.close()
    t.store.close()
  })

  it('whenCommitted waits for the open batch without cutting it short, and rejects when it rolls back', async () => {
    const t = setup()
    await t.group.whenCommitted() // nothing open: at once
    t.group.run(() => t.stacks.createConversation({ name: 'one', rootAgent: 'agent', metadata: {} }))
    let done = false
    const first = t.group.whenCommitted().then(() => { done = true })
    t.group.run(() => t.stacks.createConversation({ name: 'two', rootAgent: 'agent', metadata: {} }))
    await Promise.resolve()
    expect([done, t.group.pending()]).toEqual([false, true])
    await first // the end-of-turn commit took both
    const db = new Database(t.file, { readonly: true })
    expect(db.prepare('SELECT name FROM conversations ORDER BY name').pluck().all()).toEqual(['one', 'two'])
    db.close()
    t.group.run(() => t.stacks.createConversation({ name: 'three', rootAgent: 'agent', metadata: {} }))
    const failed = t.group.whenCommitted()
    t.store.db.exec('ROLLBACK') // the batch is lost under it: its COMMIT fails
    t.engine.events.on('error', () => {})
    expect(() => t.group.flush()).toThrow(/no transaction/)
    await expect(failed).rejects.toThrow()
    t.engine.close()
    t.store.close()
  })

  it('rolls back a failing write alone and keeps the rest of the batch', () => {
    const t = setup()
    t.group.run(() => t.stacks.createConversation({ name: 'kept', rootAgent: 'agent', metadata: {} }))
    expect(() => t.group.run(() => {
      t.stacks.createConversation({ name: 'lost', rootAgent: 'agent', metadata: {} })
      throw new Error('step failed')
    })).toThrow('step failed')
    expect(t.group.pending()).toBe(true)
    t.group.flush()
    expect(t.group.pending()).toBe(false)
    const db = new Database(t.file, { readonly: true })
    expect(db.prepare('SELECT name FROM conversations ORDER BY name').pluck().all()).toEqual(['kept'])
    db.close()
    t.engine.close()
    t.store.close()
  })

  it('commits the open batch when the store closes', () => {
    const t = setup()
    t.group.run(() => t.stacks.createConversation({ name: 'late', rootAgent: 'agent', metadata: {} }))
    expect(t.group.pending()).toBe(true)
    t.store.close() // no engine.close(), no flush: the store's close commits
    const db = new Database(t.file, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) FROM conversations').pluck().get()).toBe(1)
    db.close()
  })

  it('commits the open batch before another connection of the same thread writes (no wait on itself)', () => {
    const t = setup()
    let committed: unknown = 'not yet'
    t.group.onCommit((err) => { committed = err })
    t.group.run(() => t.stacks.createConversation({ name: 'first', rootAgent: 'agent', metadata: {} }))
    expect(t.group.pending()).toBe(true)
    const other = openStore(t.file) // e.g. an inline rollout variant's own connection
    const started = Date.now()
    other.write(() => other.db.prepare("INSERT INTO conversations (id, name, root_agent, created_at, metadata) VALUES ('c2', 'second', 'agent', 0, '{}')").run())
    expect(Date.now() - started).toBeLessThan(1000) // not busy_timeout
    expect(committed).toBe(null)
    expect(t.group.pending()).toBe(false)
    expect(other.db.prepare('SELECT name FROM conversations ORDER BY name').pluck().all()).toEqual(['first', 'second'])
    // the engine's next write opens a new batch as usual
    t.group.run(() => t.stacks.createConversation({ name: 'third', rootAgent: 'agent', metadata: {} }))
    expect(t.group.pending()).toBe(true)
    other.close()
    t.engine.close()
    t.store.close()
  })

  it('runs a tool that touches nothing outside the process (get_weather) without a commit before it: one commit per turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-group-'))
    dirs.push(dir)
    const store = openStore(join(dir, 'db.sqlite'))
    const { stacks, artifacts } = createStackStorage(store)
    const group = new GroupCommit(store)
    const weather: ModelProvider = {
      label: 'test/weather',
      async complete(req: ModelRequest): Promise<ModelResponse> {
        const last = req.messages[req.messages.length - 1]!
        const message = last.role === 'tool' ? { content: 'warm', toolCalls: [] } : { content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' }] }
        return { message, usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, model: req.model, provider: 'test', latencyMs: 0, offline: true }
      },
    }
    const engine = new Engine({
      stacks, artifacts, tools: builtinRegistry(), models: () => weather, templates: new AgentTemplates(CONFIG_DIR),
      agents: [llmAgent('agent', ['get_weather'])], overrides: new MemoryOverrideStore(), clock: systemClock, settings: DEFAULT_RUNTIME_SETTINGS,
      transaction: (fn) => store.write(fn), groupCommit: group,
    })
    let commits = 0
    group.onCommit((err) => { if (err === null) commits++ })
    const c = engine.startConversation({ agentId: 'agent', name: 'weather' })
    engine.send(c.id, 'Weather in Paris?')
    await engine.whenIdle(c.id)
    expect(commits).toBe(1)
    expect(stacks.read(c.id, c.rootAgent).map((e) => e.state.kind)).toEqual(['user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'])
    engine.close()
    store.close()
  })
})

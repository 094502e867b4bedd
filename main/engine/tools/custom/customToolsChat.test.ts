import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { llmAgent, makeEngine } from '../../testing/engineHarness'
import { ScriptedModel } from '../../testing/scriptedModel'
import { MemoryToolCache } from '../cache'
import { invokeTool } from '../invoke'
import { ToolRegistry } from '../registry'
import { loadCustomToolsSync } from './loadToolFiles'

const cleanups: (() => void)[] = []
afterEach(() => { for (const c of cleanups.splice(0)) c() })

/**
 * A config folder whose tools/ holds: `lookup` (cached 60 s, side-effect free), `order` (side
 * effects, counts its runs per idempotency key), `boom` (throws). Runs are counted on globalThis.
 */
function customTools() {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-chat-tools-'))
  mkdirSync(join(dir, 'tools'))
  const key = `__p2eRuns_${Math.random().toString(36).slice(2)}`
  writeFileSync(join(dir, 'tools', 'tools.mjs'), `
    const runs = (globalThis[${JSON.stringify(key)}] ??= [])
    export default [
      { name: 'lookup', description: 'Looks a word up.', cacheTtl: 60, sideEffectFree: true,
        parameters: { type: 'object', properties: { word: { type: 'string', minLength: 2 } }, required: ['word'], additionalProperties: false },
        run({ word }, ctx) { runs.push(['lookup', word, ctx.agentId, ctx.branch]); return { word, meaning: word.toUpperCase() } } },
      { name: 'order', description: 'Orders an item.',
        parameters: { type: 'object', properties: { item: { type: 'string' } }, required: ['item'] },
        run({ item }, ctx) { runs.push(['order', item, ctx.idempotencyKey.length > 0, typeof ctx.ledger?.getWallet]); return { ordered: item } } },
      { name: 'boom', description: 'Always fails.', parameters: { type: 'object', properties: {} },
        run() { throw new Error('database is on fire') } },
    ]`)
  cleanups.push(() => { rmSync(dir, { recursive: true, force: true }); delete (globalThis as Record<string, unknown>)[key] })
  const loaded = loadCustomToolsSync(dir)
  expect(loaded.problems).toEqual([])
  return { tools: loaded.tools.map((t) => t.tool), runs: () => (globalThis as Record<string, unknown>)[key] as unknown[][] }
}

const call = (id: string, name: string, args: Record<string, unknown> | string) => ({ reply: { toolCalls: [{ id, name, arguments: args }] } })

async function chat(steps: ConstructorParameters<typeof ScriptedModel>[0], tools: string[], settings = {}) {
  const custom = customTools()
  const model = new ScriptedModel(steps)
  const h = await makeEngine({ agents: [llmAgent('alice', tools)], model, extraTools: custom.tools, wallets: ['alice'], settings })
  cleanups.push(h.close)
  h.engine.startConversation({ agentId: 'alice', name: 't' })
  const results = () => {
    const at = h.engine.target('t')
    return h.stacks.read(at.conversationId, at.agentId, at.branch).flatMap((e) => (e.state.kind === 'tool_result' ? [e.state] : []))
  }
  return { h, model, runs: custom.runs, results }
}

describe('custom tools in a chat', () => {
  it('happy path: the model is offered the tool with its JSON schema, calls it and gets the result; a repeat within cacheTtl is cached', async () => {
    const c = await chat([
      { expect: (r) => expect(r.tools?.find((t) => t.name === 'lookup')).toMatchObject({ name: 'lookup', parameters: { required: ['word'], additionalProperties: false } }), ...call('c1', 'lookup', { word: 'ledger' }) },
      call('c2', 'lookup', { word: 'ledger' }),
      { reply: { content: 'LEDGER it is' } },
    ], ['lookup'])
    c.h.engine.send('t', 'what does ledger mean?')
    await c.h.engine.whenIdle()
    expect(c.results().map((s) => [s.status, s.status === 'ok' ? s.result : s.error])).toEqual([
      ['ok', { word: 'ledger', meaning: 'LEDGER' }],
      ['ok', { word: 'ledger', meaning: 'LEDGER' }],
    ])
    expect(c.runs()).toEqual([['lookup', 'ledger', 'alice', 'main']])
    expect(c.h.errors).toEqual([])
    c.model.assertDone()
  })

  it('a schema violation and a thrown error reach the model as tool errors; the conversation goes on', async () => {
    const c = await chat([
      call('c1', 'lookup', { word: 'x', extra: 1 }),
      call('c2', 'boom', {}),
      { lastMessage: /database is on fire/, reply: { content: 'sorry' } },
    ], ['lookup', 'boom'])
    c.h.engine.send('t', 'try')
    await c.h.engine.whenIdle()
    expect(c.results().map((s) => (s.status === 'error' ? s.error : s.result))).toEqual([
      { code: 'INVALID_ARGUMENTS', message: 'invalid arguments for lookup: word: Too small: expected string to have >=2 characters; (arguments): Unrecognized key: "extra"' },
      { code: 'TOOL_FAILED', message: 'boom failed: database is on fire' },
    ])
    expect(c.runs()).toEqual([])
    expect(c.h.errors).toEqual([])
    c.model.assertDone()
  })

  it('strict dedup: a repeated side-effecting call is skipped, a side-effect-free one runs; run() gets an idempotency key and a read-only ledger', async () => {
    const c = await chat([
      call('c1', 'order', { item: 'tent' }),
      call('c2', 'order', { item: 'tent' }),
      { reply: { content: 'ordered once' } },
    ], ['order'], { dedupPolicy: 'strict' })
    c.h.engine.send('t', 'order a tent, twice')
    await c.h.engine.whenIdle()
    expect(c.results().map((s) => (s.status === 'error' ? s.error?.code : s.result))).toEqual([{ ordered: 'tent' }, 'DEDUP_SKIPPED'])
    expect(c.runs()).toEqual([['order', 'tent', true, 'function']])
    c.model.assertDone()
  })
})

describe('custom tool result cache', () => {
  it('reuses a result within cacheTtl and runs again after it expires', async () => {
    const custom = customTools()
    const registry = new ToolRegistry(custom.tools)
    let now = 1_000_000
    const cache = new MemoryToolCache(() => now)
    const ctx = { agentId: 'a', conversationId: 'c', branchId: 'main', idempotencyKey: 'k', cache }
    expect(await invokeTool(registry, 'lookup', '{"word":"tent"}', ctx)).toEqual({ status: 'ok', result: { word: 'tent', meaning: 'TENT' }, cached: false })
    now += 59_000
    expect(await invokeTool(registry, 'lookup', { word: 'tent' }, ctx)).toMatchObject({ status: 'ok', cached: true })
    now += 2_000
    expect(await invokeTool(registry, 'lookup', { word: 'tent' }, ctx)).toMatchObject({ status: 'ok', cached: false })
    expect(custom.runs()).toHaveLength(2)
  })
})

describe('custom tool time limit', () => {
  it('a run() that exceeds timeoutMs is a TIMEOUT tool error and sees its signal aborted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-slow-tool-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    mkdirSync(join(dir, 'tools'))
    writeFileSync(join(dir, 'tools', 'slow.mjs'), `export default { name: 'slow', description: 'Never ends.', timeoutMs: 40, parameters: { type: 'object', properties: {} },
      run: (_args, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => { globalThis.__p2eSlowAborted = true; resolve('late') })) }`)
    const { tools, problems } = loadCustomToolsSync(dir)
    expect(problems).toEqual([])
    const outcome = await invokeTool(new ToolRegistry(tools.map((t) => t.tool)), 'slow', {}, { agentId: 'a', conversationId: 'c', branchId: 'main', idempotencyKey: 'k' })
    expect(outcome).toEqual({ status: 'error', error: { code: 'TIMEOUT', message: 'slow exceeded its time limit of 40 ms' } })
    expect((globalThis as Record<string, unknown>).__p2eSlowAborted).toBe(true)
  })
})

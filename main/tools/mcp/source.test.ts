import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinRegistry } from '../../engine/tools/builtins'
import { MemoryToolCache } from '../../engine/tools/cache'
import { invokeTool, type InvokeContext } from '../../engine/tools/invoke'
import type { ToolRegistry } from '../../engine/tools/registry'
import { McpListCache } from './listCache'
import { McpToolSource } from './source'
import { fixtureServer, isAlive, until } from './testing/fixture'

const dir = mkdtempSync(join(tmpdir(), 'p2e-mcp-'))
const notes = join(dir, 'notes.txt')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ctx = (key = 'k1', cache?: MemoryToolCache): InvokeContext => ({ agentId: 'a', conversationId: 'c', branchId: 'b', idempotencyKey: key, ...(cache ? { cache } : {}) })
const FX_TOOLS = ['fx__echo', 'fx__add', 'fx__note', 'fx__fail', 'fx__crash', 'fx__pid']

describe('an MCP stdio server as a tool source', () => {
  let source: McpToolSource
  let registry: ToolRegistry
  beforeAll(async () => {
    writeFileSync(notes, '')
    source = new McpToolSource({ fx: { ...fixtureServer({ NOTES_FILE: notes }), cache_ttl: 60 } }, { baseDir: dir, backoff: { baseMs: 10, maxMs: 50 } })
    registry = builtinRegistry().addSource(source)
    await registry.prepare([...FX_TOOLS, 'fx__nope'])
  })
  afterAll(async () => {
    const pid = source.connections.get('fx')!.pid
    await registry.close()
    // Stopping the source stops the server process: nothing is left behind.
    expect(pid !== null && (await until(() => !isAlive(pid)))).toBe(true)
  })

  it('registers SERVER__TOOL tools with the server JSON Schema; only readOnlyHint tools are side-effect free', () => {
    expect(FX_TOOLS.every((n) => registry.has(n))).toBe(true)
    expect(registry.get('fx__add')!.functionSchema).toEqual({
      name: 'fx__add',
      description: 'Adds two numbers.',
      parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    })
    expect(['fx__echo', 'fx__add', 'fx__pid', 'fx__note', 'fx__fail'].map((n) => [n, Boolean(registry.get(n)!.sideEffectFree), registry.get(n)!.cacheTtl ?? null])).toEqual([
      ['fx__echo', true, 60], ['fx__add', true, 60], ['fx__pid', true, 60], ['fx__note', false, null], ['fx__fail', false, null],
    ])
    expect(registry.disabledReason('fx__nope')).toMatch(/^MCP server "fx" \(command: .*fixtureServer\.mjs\) has no tool "nope"; its tools: fx__echo, fx__add, fx__note, fx__fail, fx__crash, fx__pid$/)
  })

  it('results and errors reach the caller like a built-in tool’s; arguments are checked against the schema first', async () => {
    expect(await invokeTool(registry, 'fx__add', '{"a":1,"b":2}', ctx())).toEqual({ status: 'ok', result: { sum: 3 }, cached: false })
    expect(await invokeTool(registry, 'fx__echo', { text: 'hi' }, ctx())).toEqual({ status: 'ok', result: 'echo: hi', cached: false })
    expect(await invokeTool(registry, 'fx__fail', {}, ctx())).toEqual({ status: 'error', error: { code: 'MCP_TOOL_ERROR', message: 'the fixture failed on purpose' } })
    const bad = await invokeTool(registry, 'fx__add', '{"a":"one","b":2}', ctx())
    expect(bad.status === 'error' && [bad.error.code, bad.error.issues?.[0]?.path]).toEqual(['INVALID_ARGUMENTS', 'a'])
    expect((await invokeTool(registry, 'fx__nope', {}, ctx())).status === 'error').toBe(true)
    expect(await invokeTool(registry, 'fx__nope', {}, ctx())).toMatchObject({ error: { code: 'TOOL_DISABLED' } })
  })

  it('caches read-only results for cache_ttl; a side-effecting tool runs every time and gets the idempotency key', async () => {
    const cache = new MemoryToolCache()
    await invokeTool(registry, 'fx__echo', { text: 'c' }, ctx('k', cache))
    expect(await invokeTool(registry, 'fx__echo', { text: 'c' }, ctx('k', cache))).toEqual({ status: 'ok', result: 'echo: c', cached: true })
    for (const key of ['key-1', 'key-2']) expect(await invokeTool(registry, 'fx__note', { text: 'hello' }, ctx(key, cache))).toEqual({ status: 'ok', result: 'noted', cached: false })
    expect(readFileSync(notes, 'utf8')).toBe('hello\tkey-1\nhello\tkey-2\n')
  })

  it('a crashed server is restarted on the next call (after the backoff); the call that crashed it is an error', async () => {
    const first = await invokeTool(registry, 'fx__pid', {}, ctx())
    const pid = Number(first.status === 'ok' && first.result)
    const crashed = await invokeTool(registry, 'fx__crash', {}, ctx())
    expect(crashed).toMatchObject({ status: 'error', error: { code: 'MCP_SERVER_EXITED', message: expect.stringMatching(/^MCP server "fx" \(command: .*\) exited during the call to crash; it is restarted on the next call/) } })
    expect(await until(() => !isAlive(pid))).toBe(true)
    const again = await invokeTool(registry, 'fx__pid', {}, ctx())
    expect(again.status).toBe('ok')
    expect(Number(again.status === 'ok' && again.result)).not.toBe(pid)
  })
})

describe('servers that do not start', () => {
  it('give one clear error naming the server and its command; the other tools keep working', async () => {
    const problems: string[] = []
    const source = new McpToolSource(
      { bad: fixtureServer({ FIXTURE_FAIL_START: '1' }), missing: { command: '/nonexistent/mcp-server', args: ['--stdio'] } },
      { baseDir: dir, onProblem: (m) => problems.push(m) },
    )
    const registry = builtinRegistry().addSource(source)
    try {
      await registry.prepare(['bad__echo', 'missing__read', 'get_weather'])
      await registry.prepare(['bad__echo', 'missing__read']) // within the backoff: fails fast, told once
      expect(problems.sort()).toEqual([
        expect.stringMatching(/^MCP server "bad" \(command: .*fixtureServer\.mjs\) failed to start: .*; its stderr: fixture: refusing to start \(FIXTURE_FAIL_START=1\)$/),
        expect.stringMatching(/^MCP server "missing" \(command: \/nonexistent\/mcp-server --stdio\) failed to start: .*ENOENT/),
      ])
      expect(await invokeTool(registry, 'bad__echo', { text: 'x' }, ctx())).toMatchObject({ status: 'error', error: { code: 'TOOL_DISABLED', message: expect.stringContaining('MCP server "bad"') } })
      expect(await invokeTool(registry, 'get_weather', { location: 'Paris', unit: 'celsius' }, ctx())).toEqual({ status: 'ok', result: { location: 'Paris', temperature: 22, unit: 'celsius' }, cached: false })
    } finally {
      await registry.close()
    }
  })
})

describe('tool lists from an earlier run (the state folder cache)', () => {
  it('offers the tools without starting the server; the server starts on the first call and refreshes the list', async () => {
    const config = fixtureServer()
    const cache = new McpListCache(join(dir, 'state', 'mcp-tools.json'))
    cache.set('fx', config, [{ name: 'echo', description: 'Echoes (cached).', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, readOnly: true }])
    expect(new McpListCache(join(dir, 'state', 'mcp-tools.json')).get('fx', { ...config, startup_timeout: 5 })).toBeUndefined() // another config: not used
    const source = new McpToolSource({ fx: config }, { baseDir: dir, cache })
    const registry = builtinRegistry().addSource(source)
    try {
      await registry.prepare(['fx__echo'])
      expect([registry.get('fx__echo')?.description, source.connections.get('fx')!.running]).toEqual(['Echoes (cached).', false])
      expect(await invokeTool(registry, 'fx__echo', { text: 'lazy' }, ctx())).toEqual({ status: 'ok', result: 'echo: lazy', cached: false })
      expect(source.connections.get('fx')!.running).toBe(true)
      await source.list()
      expect(cache.get('fx', config)?.map((t) => t.name)).toEqual(['echo', 'add', 'note', 'fail', 'crash', 'pid'])
    } finally {
      await registry.close()
    }
  })
})

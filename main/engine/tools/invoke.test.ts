import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { InternalError, ToolError } from '../errors'
import { builtinRegistry } from './builtins'
import { MemoryToolCache } from './cache'
import { defineTool } from './defineTool'
import { invokeTool, type InvokeContext } from './invoke'
import { ToolRegistry } from './registry'

const ctx: InvokeContext = { agentId: 'agent_alpha', conversationId: 'c1', branchId: 'main', idempotencyKey: 'k1' }

describe('invokeTool', () => {
  const reg = builtinRegistry()

  it('runs a tool on JSON text arguments', async () => {
    expect(await invokeTool(reg, 'get_weather', '{"location":"Paris","unit":"celsius"}', ctx)).toStrictEqual({
      status: 'ok',
      result: { location: 'Paris', temperature: 22, unit: 'celsius' },
      cached: false,
    })
  })

  it('reports a tool error to the model as an error (not ok)', async () => {
    expect(await invokeTool(reg, 'get_weather', { location: 'Atlantis' }, ctx)).toStrictEqual({
      status: 'error',
      error: { code: 'NOT_FOUND', message: "Weather data for 'Atlantis' not found." },
    })
  })

  it('bad arguments come back with the zod issues', async () => {
    expect(await invokeTool(reg, 'get_weather', { city: 'Paris' }, ctx)).toStrictEqual({
      status: 'error',
      error: {
        code: 'INVALID_ARGUMENTS',
        message: 'invalid arguments for get_weather: location: Invalid input: expected string, received undefined; (arguments): Unrecognized key: "city"',
        issues: [
          { path: 'location', message: 'Invalid input: expected string, received undefined' },
          { path: '(arguments)', message: 'Unrecognized key: "city"' },
        ],
      },
    })
  })

  it('unparseable argument text and unknown tools are errors too', async () => {
    const bad = await invokeTool(reg, 'get_weather', '{"location":', ctx)
    expect(bad.status === 'error' && bad.error.code).toBe('INVALID_ARGUMENTS')
    expect(await invokeTool(reg, 'launch_rocket', '{}', ctx)).toStrictEqual({
      status: 'error',
      error: {
        code: 'UNKNOWN_TOOL',
        message: 'unknown tool "launch_rocket"; available tools: check_balance, delegate, get_league_leader, get_weather, reward_agent, transaction_history, transfer_funds',
      },
    })
  })

  it('times out a hanging tool and aborts its signal', async () => {
    let seen: AbortSignal | undefined
    const hang = defineTool({
      name: 'hang',
      description: 'never finishes',
      input: z.object({}),
      run: (_a, c) => {
        seen = c.signal
        return new Promise<never>(() => undefined)
      },
    })
    const out = await invokeTool(new ToolRegistry([hang]), 'hang', {}, { ...ctx, timeoutMs: 5 })
    expect(out).toStrictEqual({ status: 'error', error: { code: 'TIMEOUT', message: 'hang exceeded its time limit of 5 ms' } })
    expect(seen?.aborted).toBe(true)
  })

  it('a tool that answers at once sees a live signal and reads the idempotency key only on demand', async () => {
    let reads = 0
    const caller = { ...ctx, get idempotencyKey() { reads++; return 'key-1' } }
    const seen: unknown[] = []
    const quiet = defineTool({ name: 'quiet', description: 'd', input: z.object({}), run: () => 'ok' })
    const keyed = defineTool({ name: 'keyed', description: 'd', input: z.object({}), run: (_a, c) => { seen.push(c.idempotencyKey, c.signal.aborted, c.agentId); return 'ok' } })
    const reg = new ToolRegistry([quiet, keyed])
    expect(await invokeTool(reg, 'quiet', {}, caller)).toStrictEqual({ status: 'ok', result: 'ok', cached: false })
    expect(reads).toBe(0)
    expect(await invokeTool(reg, 'keyed', {}, caller)).toStrictEqual({ status: 'ok', result: 'ok', cached: false })
    expect(reads).toBe(1)
    expect(seen).toStrictEqual(['key-1', false, ctx.agentId])
  })

  it('honours the caller abort signal', async () => {
    const ac = new AbortController()
    const hang = defineTool({ name: 'hang', description: 'd', input: z.object({}), run: () => { ac.abort(); return new Promise<never>(() => undefined) } })
    expect(await invokeTool(new ToolRegistry([hang]), 'hang', {}, { ...ctx, signal: ac.signal })).toStrictEqual({
      status: 'error',
      error: { code: 'ABORTED', message: 'hang was cancelled' },
    })
    expect(await invokeTool(new ToolRegistry([hang]), 'hang', {}, { ...ctx, signal: ac.signal })).toStrictEqual({
      status: 'error',
      error: { code: 'ABORTED', message: 'hang was cancelled before it started' },
    })
  })

  it('maps thrown errors; a bug (InternalError) propagates', async () => {
    const boom = (e: Error) => defineTool({ name: 'boom', description: 'd', input: z.object({}), run: () => { throw e } })
    expect(await invokeTool(new ToolRegistry([boom(new TypeError('x is undefined'))]), 'boom', {}, ctx)).toStrictEqual({
      status: 'error', error: { code: 'TOOL_FAILED', message: 'boom failed: x is undefined' },
    })
    expect(await invokeTool(new ToolRegistry([boom(new ToolError('nope', 'MINE'))]), 'boom', {}, ctx)).toStrictEqual({
      status: 'error', error: { code: 'MINE', message: 'nope' },
    })
    await expect(invokeTool(new ToolRegistry([boom(new InternalError('bug'))]), 'boom', {}, ctx)).rejects.toThrow(InternalError)
  })

  it('validates output when the tool declares an output schema', async () => {
    const t = defineTool({ name: 'num', description: 'd', input: z.object({}), output: z.number(), run: () => 'one' as unknown as number })
    expect(await invokeTool(new ToolRegistry([t]), 'num', {}, ctx)).toStrictEqual({
      status: 'error',
      error: {
        code: 'OUTPUT_INVALID',
        message: 'num returned output that failed validation: (output): Invalid input: expected number, received string',
        issues: [{ path: '(output)', message: 'Invalid input: expected number, received string' }],
      },
    })
  })
})

describe('tool result cache', () => {
  let calls = 0
  const counter = defineTool({
    name: 'counter',
    description: 'counts calls',
    input: z.object({ x: z.number(), y: z.number().default(0) }),
    cacheTtl: 30,
    run: () => ++calls,
  })
  const reg = new ToolRegistry([counter])

  it('reuses a result for equal arguments (defaults and key order included) within the TTL', async () => {
    calls = 0
    let now = 0
    const cache = new MemoryToolCache(() => now)
    const c = { ...ctx, cache }
    expect(await invokeTool(reg, 'counter', { x: 1 }, c)).toStrictEqual({ status: 'ok', result: 1, cached: false })
    expect(await invokeTool(reg, 'counter', '{"y":0,"x":1}', c)).toStrictEqual({ status: 'ok', result: 1, cached: true })
    expect(await invokeTool(reg, 'counter', { x: 2 }, c)).toStrictEqual({ status: 'ok', result: 2, cached: false })
    now = 30_000
    expect(await invokeTool(reg, 'counter', { x: 1 }, c)).toStrictEqual({ status: 'ok', result: 3, cached: false })
  })

  it('keys include the rollout sample', async () => {
    calls = 0
    const cache = new MemoryToolCache(() => 0)
    expect(await invokeTool(reg, 'counter', { x: 1 }, { ...ctx, cache, sample: { index: 0, seed: 7 } })).toMatchObject({ result: 1, cached: false })
    expect(await invokeTool(reg, 'counter', { x: 1 }, { ...ctx, cache, sample: { index: 1, seed: 7 } })).toMatchObject({ result: 2, cached: false })
    expect(await invokeTool(reg, 'counter', { x: 1 }, { ...ctx, cache, sample: { index: 0, seed: 7 } })).toMatchObject({ result: 1, cached: true })
  })

  it('does not cache errors', async () => {
    const cache = new MemoryToolCache(() => 0)
    expect((await invokeTool(reg, 'counter', { x: 'a' }, { ...ctx, cache })).status).toBe('error')
    expect(cache.size).toBe(0)
  })

  it('hands the tool the caller\'s fields with getters kept: a derived field is computed only if the tool reads it', async () => {
    let derived = 0
    const reads = defineTool({ name: 'reads', description: 'd', input: z.object({}), run: (_a, c) => c.idempotencyKey })
    const ignores = defineTool({ name: 'ignores', description: 'd', input: z.object({}), run: (_a, c) => c.agentId })
    const registry = new ToolRegistry([reads, ignores])
    const ctx = (): InvokeContext => ({
      agentId: 'a', conversationId: 'c', branchId: 'main',
      get idempotencyKey() { derived++; return 'key-1' },
      timeoutMs: 1000,
    }) as InvokeContext
    expect(await invokeTool(registry, 'ignores', {}, ctx())).toEqual({ status: 'ok', result: 'a', cached: false })
    expect(derived).toBe(0)
    expect(await invokeTool(registry, 'reads', {}, ctx())).toEqual({ status: 'ok', result: 'key-1', cached: false })
    expect(derived).toBe(1)
  })
})

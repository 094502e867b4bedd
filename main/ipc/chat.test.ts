import { afterEach, describe, expect, it } from 'vitest'
import { contract, type ChatMessage } from '../../preload/contract'
import { EventBus, type BusEvent } from './eventBus'
import { forwardEngineEvents } from './engineEvents'
import { buildHandlers } from './handlers'
import { MapTransport, registerHandlers } from './register'
import { makeTestServices } from './fixtures'

let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

async function setup() {
  const services = await makeTestServices()
  const bus = new EventBus()
  const events: BusEvent[] = []
  bus.subscribe((e) => events.push(e))
  const stop = forwardEngineEvents(services.engine!, bus)
  expect(forwardEngineEvents(services.engine!, bus)).toBeTypeOf('function')
  cleanup = async () => {
    stop()
    await services.engine!.whenIdle()
    await services.close()
  }
  const transport = new MapTransport()
  registerHandlers(contract, buildHandlers(services, bus), transport)
  const call = async <T,>(channel: string, input: unknown): Promise<T> => {
    const r = await transport.invoke(channel, input)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
    return r.data as T
  }
  return { services, events, call, transport }
}

const shape = (m: ChatMessage) => ({ kind: m.kind, role: m.role, offline: m.offline, tool: m.tool?.name, status: m.tool?.status })

describe('chat handlers with the engine and the offline scripted model', () => {
  it('runs a chat round trip with a tool call and streams it as chat events', async () => {
    const { services, events, call } = await setup()
    const conv = await call<{ id: string; rootAgent: string; status: string }>('chat:create', { agentId: 'agent_alpha', name: 'weather' })
    expect(conv).toEqual(expect.objectContaining({ name: 'weather', rootAgent: 'agent_alpha', branch: 'main', length: 0, status: 'empty', rollout: false }))
    expect(await call('chat:send', { conversationId: conv.id, text: 'What is the weather in Paris?' })).toEqual({ conversationId: conv.id, agentId: 'agent_alpha', branch: 'main' })
    await services.engine!.whenIdle(conv.id)
    const view = await call<{ messages: ChatMessage[]; status: string; total: number }>('chat:messages', { conversationId: conv.id })
    expect(view.status).toBe('answered')
    expect(view.messages.map(shape)).toEqual([
      { kind: 'user_message', role: 'user', offline: false, tool: undefined, status: undefined },
      { kind: 'assistant_message', role: 'assistant', offline: true, tool: undefined, status: undefined },
      { kind: 'tool_call', role: 'tool', offline: false, tool: 'get_weather', status: undefined },
      { kind: 'waiting', role: 'system', offline: false, tool: undefined, status: undefined },
      { kind: 'tool_result', role: 'tool', offline: false, tool: 'get_weather', status: 'ok' },
      { kind: 'assistant_message', role: 'assistant', offline: true, tool: undefined, status: undefined },
    ])
    expect(view.messages[2]!.tool!.args).toEqual({ location: 'Paris' })
    expect(view.messages[5]!.text).toBe("It's 71.6 °F in Paris.")
    const names = new Set(events.map((e) => e.name))
    expect([...names].sort()).toEqual(['chat:answered', 'chat:entry', 'chat:token', 'chat:tool'])
    expect(events.filter((e) => e.name === 'chat:entry')).toHaveLength(view.messages.length)
    expect(events.filter((e) => e.name === 'chat:tool').map((e) => (e.payload as { phase: string }).phase)).toEqual(['start', 'end'])
    expect((await call<{ id: string }[]>('chat:list', {})).map((c) => c.id)).toEqual([conv.id])
  })

  it('forks from an earlier message, switches branches and compares them', async () => {
    const { services, call, transport } = await setup()
    const conv = await call<{ id: string }>('chat:create', { agentId: 'agent_alpha' })
    await call('chat:send', { conversationId: conv.id, text: 'hello' })
    await services.engine!.whenIdle(conv.id)
    await call('chat:send', { conversationId: conv.id, text: 'second question' })
    await services.engine!.whenIdle(conv.id)
    const fork = await call<{ branch: string; parent: string; forkIndex: number; current: boolean }>('branches:fork', { conversationId: conv.id, atIndex: 1 })
    expect(fork).toEqual(expect.objectContaining({ parent: 'main', forkIndex: 1, current: true, length: 2 }))
    await call('chat:send', { conversationId: conv.id, text: 'another path' })
    await services.engine!.whenIdle(conv.id)
    const list = await call<{ current: string; branches: { branch: string; length: number }[] }>('branches:list', { conversationId: conv.id })
    expect(list.current).toBe(fork.branch)
    expect(list.branches.map((b) => [b.branch, b.length])).toEqual([['main', 4], [fork.branch, 4]])
    const cmp = await call<{ commonPrefix: number; left: { messages: ChatMessage[]; score: null }; right: { messages: ChatMessage[] } }>('branches:compare', { conversationId: conv.id, left: 'main', right: fork.branch })
    expect(cmp.commonPrefix).toBe(2)
    expect(cmp.left.messages[2]!.text).toBe('second question')
    expect(cmp.right.messages[2]!.text).toBe('another path')
    expect(cmp.left.score).toBeNull()
    await call('branches:checkout', { conversationId: conv.id, branch: 'main' })
    const main = await call<{ branch: string; messages: ChatMessage[] }>('chat:messages', { conversationId: conv.id })
    expect(main.branch).toBe('main')
    expect(main.messages.map((m) => m.text)[2]).toBe('second question')
    expect(await transport.invoke('branches:fork', { conversationId: conv.id, atIndex: 99 })).toEqual({ ok: false, error: { code: expect.any(String), message: expect.stringContaining('99') } })
  })

  it('answers a human-in-the-loop request in place and rejects sending meanwhile', async () => {
    const { services, events, call, transport } = await setup()
    const conv = await call<{ id: string }>('chat:create', { agentId: 'human' })
    await call('chat:send', { conversationId: conv.id, text: 'approve the budget?' })
    await services.engine!.whenIdle(conv.id)
    expect(events.some((e) => e.name === 'chat:inputRequested')).toBe(true)
    expect((await call<{ status: string }>('chat:messages', { conversationId: conv.id })).status).toBe('awaiting_human')
    expect(await transport.invoke('chat:send', { conversationId: conv.id, text: 'hi' })).toEqual({ ok: false, error: { code: 'AWAITING_HUMAN', message: expect.any(String) } })
    await call('chat:answer', { conversationId: conv.id, text: 'approved' })
    await services.engine!.whenIdle(conv.id)
    const kinds = (await call<{ messages: ChatMessage[] }>('chat:messages', { conversationId: conv.id })).messages.map((m) => m.kind)
    expect(kinds).toContain('user_response')
  })

  it('sets per-conversation overrides and refuses unknown tools and personas', async () => {
    const { call, transport } = await setup()
    const conv = await call<{ id: string }>('chat:create', { agentId: 'agent_alpha' })
    const view = await call<Record<string, unknown>>('overrides:set', { conversationId: conv.id, patch: { model: 'local/scripted', tools: ['get_weather'] } })
    expect(view).toEqual(expect.objectContaining({ agentId: 'agent_alpha', values: { model: 'local/scripted', tools: ['get_weather'] }, locked: false }))
    expect(await transport.invoke('overrides:set', { conversationId: conv.id, patch: { tools: ['nope'] } })).toEqual({ ok: false, error: { code: 'UNKNOWN_TOOL', message: expect.stringContaining('unknown tool "nope"') } })
    expect(await transport.invoke('overrides:set', { conversationId: conv.id, patch: { behavior_template: 'ghost' } })).toEqual({ ok: false, error: { code: 'UNKNOWN_PERSONA', message: expect.stringContaining('unknown persona "ghost"') } })
    await call('overrides:set', { conversationId: conv.id, patch: { model: null }, lock: true })
    expect(await transport.invoke('overrides:set', { conversationId: conv.id, patch: { model: 'x/y' } })).toEqual({ ok: false, error: { code: expect.any(String), message: expect.stringContaining('lock') } })
  })

  it('queries, reads and diffs artifacts', async () => {
    const { services, call } = await setup()
    const conv = await call<{ id: string }>('chat:create', { agentId: 'agent_alpha' })
    await call('chat:send', { conversationId: conv.id, text: 'What is the weather in Tokyo?' })
    await services.engine!.whenIdle(conv.id)
    const page = await call<{ rows: { ref: string; stateKind: string | null }[]; truncated: boolean; sessions: string[] }>('artifacts:query', { sessionId: conv.id, type: 'state' })
    expect(page.rows.map((r) => r.stateKind)).toEqual(['assistant_message', 'tool_result', 'waiting', 'tool_call', 'assistant_message', 'user_message'])
    expect(page.sessions).toEqual([conv.id])
    const onlyTools = await call<{ rows: unknown[] }>('artifacts:query', { sessionId: conv.id, text: 'TOOL_' })
    expect(onlyTools.rows).toHaveLength(2)
    const detail = await call<{ payload: { kind: string; text: string } }>('artifacts:get', { ref: page.rows[5]!.ref })
    expect(detail.payload).toEqual(expect.objectContaining({ kind: 'user_message', text: 'What is the weather in Tokyo?' }))
    const { diff } = await call<{ diff: string }>('artifacts:diff', { left: page.rows[5]!.ref, right: page.rows[4]!.ref })
    expect(diff).toContain('-  "kind": "user_message"')
  })
})

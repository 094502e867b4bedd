import { afterEach, describe, expect, it } from 'vitest'
import { contract, type BranchList, type ChatMessage, type ConversationSummary, type Messages } from '../../preload/contract'
import { EventBus } from './eventBus'
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
  cleanup = async () => {
    await services.engine!.whenIdle()
    await services.close()
  }
  const transport = new MapTransport()
  registerHandlers(contract, buildHandlers(services, new EventBus()), transport)
  const call = async <T,>(channel: string, input: unknown): Promise<T> => {
    const r = await transport.invoke(channel, input)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`)
    return r.data as T
  }
  const engine = services.engine!
  const ask = async (id: string, text: string) => {
    await call('chat:send', { conversationId: id, text })
    await engine.whenIdle(id)
  }
  return { engine, call, transport, ask }
}

const texts = (m: Messages) => m.messages.filter((x) => x.kind === 'user_message').map((x) => x.text)

describe('chat time travel, titles and stuck branches over IPC', () => {
  it('rewind forks at the entry and keeps the original branch; branches carry their fork-point text', async () => {
    const { call, ask } = await setup()
    const conv = await call<ConversationSummary>('chat:create', { agentId: 'agent_beta' })
    await ask(conv.id, 'first question')
    await ask(conv.id, 'second question')
    const rewound = await call<{ branch: string; parent: string; forkIndex: number; length: number; forkText: string; firstText: string | null }>('branches:rewind', { conversationId: conv.id, branch: 'main', index: 1 })
    expect(rewound).toEqual(expect.objectContaining({ parent: 'main', forkIndex: 1, length: 2, current: true, firstText: null }))
    expect(rewound.forkText).toMatch(/You said: "first question"/)
    const list = await call<BranchList>('branches:list', { conversationId: conv.id })
    expect(list.branches.map((b) => [b.branch, b.length])).toEqual([['main', 4], [rewound.branch, 2]])
    expect(list.branches[0]!.firstText).toBe('first question')
    expect(list.agents).toEqual(['agent_beta'])
    const main = await call<Messages>('chat:messages', { conversationId: conv.id, branch: 'main' })
    expect(texts(main)).toEqual(['first question', 'second question'])
    // Edit & resend = fork before the message, then send the edit.
    await call('branches:fork', { conversationId: conv.id, fromBranch: 'main', atIndex: 1 })
    await ask(conv.id, 'second question, edited')
    const edited = await call<BranchList>('branches:list', { conversationId: conv.id })
    expect(edited.branches.map((b) => b.firstText)).toEqual(['first question', null, 'second question, edited'])
  })

  it('a fork or rewind inside an unanswered tool round lands on an idle point and says so (as the CLI rewind does)', async () => {
    const { engine, call } = await setup()
    const conv = engine.startConversation({ agentId: 'agent_alpha', name: 'tool round' })
    engine.deps.stacks.push(conv.id, conv.rootAgent, [
      { kind: 'user_message', text: 'hello' },
      { kind: 'assistant_message', content: 'hi', toolCalls: [] },
      { kind: 'user_message', text: 'What is the weather in Paris?' },
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'call_paris', name: 'get_weather', arguments: { location: 'Paris' } }] },
      { kind: 'tool_call', id: 'call_paris', name: 'get_weather', arguments: { location: 'Paris' } },
      { kind: 'tool_result', toolCallId: 'call_paris', toolName: 'get_weather', status: 'ok', result: { temp: 20 }, reward: 1 },
      { kind: 'assistant_message', content: 'It is 20°C in Paris.', toolCalls: [] },
    ])
    const forked = await call<{ forkIndex: number; length: number; requested: number; note: string | null }>('branches:fork', { conversationId: conv.id, fromBranch: 'main', atIndex: 4 })
    expect(forked).toEqual(expect.objectContaining({ forkIndex: 2, length: 3, requested: 4 }))
    expect(forked.note).toBe('Index 4 is inside the tool round of message 3 (get_weather), whose result is not in 0..4: kept 0..2 instead, so the branch does not wait for a result that will never arrive.')
    await engine.whenIdle(conv.id)
    // The question is answered again on the new branch: nothing is left waiting.
    const messages = await call<Messages>('chat:messages', { conversationId: conv.id })
    expect([messages.stuck, messages.status]).toEqual([false, 'answered'])
    // A cut that waits for nothing is kept as asked, with no note.
    const rewound = await call<{ forkIndex: number; requested: number; note: string | null }>('branches:rewind', { conversationId: conv.id, branch: 'main', index: 5 })
    expect(rewound).toEqual(expect.objectContaining({ forkIndex: 5, requested: 5, note: null }))
    await engine.whenIdle(conv.id)
  })

  it('titles come from the first message until renamed; rename and delete keep the list in sync', async () => {
    const { engine, call, ask, transport } = await setup()
    const conv = await call<ConversationSummary>('chat:create', { agentId: 'agent_beta' })
    expect(conv.title).toBe(conv.name)
    await ask(conv.id, 'What is my balance?\nplease')
    expect((await call<ConversationSummary[]>('chat:list', {}))[0]!.title).toBe('What is my balance? please')
    expect((await call<ConversationSummary>('chat:rename', { conversationId: conv.id, name: 'Budget' })).title).toBe('Budget')
    const other = await call<ConversationSummary>('chat:create', { agentId: 'agent_beta', name: 'other' })
    await ask(other.id, 'a named chat keeps its name as the title')
    expect((await call<ConversationSummary[]>('chat:list', {}))[0]!.title).toBe('other')
    expect(await transport.invoke('chat:rename', { conversationId: other.id, name: 'Budget' })).toEqual({ ok: false, error: { code: 'CONVERSATION_EXISTS', message: 'conversation Budget already exists' } })
    expect(await call('chat:delete', { conversationId: conv.id })).toEqual({ deleted: conv.id })
    expect((await call<ConversationSummary[]>('chat:list', {})).map((c) => c.name)).toEqual(['other'])
    const rollout = engine.startConversation({ agentId: 'agent_beta', name: 'variant 1', metadata: { rolloutId: 'ro_1' } })
    expect(await transport.invoke('chat:delete', { conversationId: rollout.id })).toEqual({ ok: false, error: { code: 'ROLLOUT_CONVERSATION', message: 'conversation variant 1 belongs to a rollout and stays with its results; only chats can be deleted' } })
  })

  it('shows a delegation with the child’s own steps nested under it', async () => {
    const { call, ask } = await setup()
    const conv = await call<ConversationSummary>('chat:create', { agentId: 'agent_alpha' })
    await ask(conv.id, 'Ask agent_helper: what is the weather in Tokyo?')
    const view = await call<Messages>('chat:messages', { conversationId: conv.id })
    const delegation = view.messages.find((m) => m.kind === 'agent_call')!
    expect(delegation.delegation!.agentId).toBe('agent_helper')
    expect(delegation.delegation!.steps!.map((s: ChatMessage) => [s.kind, s.tool?.name])).toEqual([
      ['user_message', undefined], ['assistant_message', undefined], ['tool_call', 'get_weather'], ['waiting', undefined], ['tool_result', 'get_weather'], ['assistant_message', undefined],
    ])
    expect(view.model).toEqual(expect.objectContaining({ configured: 'openai/gpt-4o', overridden: false, offline: true }))
    expect(view.model.choices).toContain('local/scripted')
  })

  it('flags a branch stuck on a tool call; Resume finishes it, Cancel makes it idle', async () => {
    const { engine, call } = await setup()
    const seed = (name: string) => {
      const conv = engine.startConversation({ agentId: 'agent_alpha', name })
      engine.deps.stacks.push(conv.id, conv.rootAgent, [
        { kind: 'user_message', text: 'weather in Paris?' },
        { kind: 'assistant_message', content: null, toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } }] },
        { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } },
      ])
      return conv.id
    }
    const a = seed('stuck a')
    expect((await call<ConversationSummary[]>('chat:list', {})).map((c) => [c.title, c.stuck])).toEqual([['stuck a', true]])
    expect(await call<Messages>('chat:messages', { conversationId: a })).toEqual(expect.objectContaining({ status: 'awaiting_tools', stuck: true }))
    await call('chat:resume', { conversationId: a })
    await engine.whenIdle(a)
    expect(await call<Messages>('chat:messages', { conversationId: a })).toEqual(expect.objectContaining({ status: 'answered', stuck: false }))
    const b = seed('stuck b')
    await call('chat:cancel', { conversationId: b })
    const after = await call<Messages>('chat:messages', { conversationId: b })
    expect(after).toEqual(expect.objectContaining({ status: 'answered', stuck: false }))
    expect(after.messages.at(-2)!.tool).toEqual(expect.objectContaining({ name: 'get_weather', status: 'error', error: 'cancelled by the user' }))
  })
})

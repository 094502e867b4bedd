import { afterEach, describe, expect, it } from 'vitest'
import { makeEngine, llmAgent } from '../testing/engineHarness'
import { ScriptedModel } from '../testing/scriptedModel'

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

async function setup(agents: Parameters<typeof makeEngine>[0]['agents'], steps: ConstructorParameters<typeof ScriptedModel>[0], wallets?: string[]) {
  const model = new ScriptedModel(steps)
  const h = await makeEngine({ agents, model, wallets })
  cleanup = h.close
  return { ...h, model }
}

describe('Engine: chat turns', () => {
  it('runs a tool call and gives the model a turn with the result', async () => {
    const h = await setup([llmAgent('alpha', ['get_weather'])], [
      { lastMessage: 'weather in Paris', tools: ['get_weather'], reply: { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } }] } },
      {
        expect: (r) => expect(r.messages.slice(-2)).toEqual([
          { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"location":"Paris"}' }] },
          { role: 'tool', toolCallId: 'c1', content: expect.stringContaining('"temperature":71.6') },
        ]),
        reply: { content: 'It is 71.6 °F in Paris.' },
      },
    ])
    const answers: string[] = []
    h.engine.events.on('answer', (a) => answers.push(a.text))
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'What is the weather in Paris?')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
    expect(answers).toEqual(['It is 71.6 °F in Paris.'])
    expect(h.kinds('t', 'alpha')).toEqual(['user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'])
  })

  it('executes every tool call of one message and answers them in order; errors reach the model as errors', async () => {
    const h = await setup([llmAgent('alpha', ['get_weather', 'check_balance'])], [
      {
        reply: {
          content: 'Checking three things.',
          toolCalls: [
            { id: 'a', name: 'get_weather', arguments: { location: 'Tokyo' } },
            { id: 'b', name: 'get_weather', arguments: { location: 'Atlantis' } },
            { id: 'c', name: 'check_balance', arguments: {} },
          ],
        },
      },
      {
        expect: (r) => {
          const tools = r.messages.filter((m) => m.role === 'tool')
          expect(tools.map((m) => m.role === 'tool' && m.toolCallId)).toEqual(['a', 'b', 'c'])
          expect(tools[1]!.content).toMatch(/"status":"error"/)
          expect(tools[2]!.content).toMatch(/"balance":"100(\.0+)?"/)
        },
        reply: { content: 'Done.' },
      },
    ], ['alpha'])
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'go')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
  })

  it('refuses a message while the previous one is pending, and unknown agents', async () => {
    const h = await setup([llmAgent('alpha', [])], [{ reply: { content: 'hi' } }])
    expect(() => h.engine.startConversation({ agentId: 'ghost', name: 'x' })).toThrow(/unknown agent "ghost"; configured agents: alpha/)
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'hello')
    expect(() => h.engine.send('t', 'again')).toThrow(/still being worked on/)
    await h.engine.whenIdle()
    expect(h.kinds('t', 'alpha')).toEqual(['user_message', 'assistant_message'])
  })
})

describe('Engine: delegation and payments', () => {
  const team = () => [
    llmAgent('alpha', ['delegate', 'transfer_funds']),
    llmAgent('helper', ['get_weather']),
  ]

  it('delegates, gives the parent a turn with the answer, and the parent pays the helper exactly once', async () => {
    const h = await setup(team(), [
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'Weather in Tokyo?' } }] } },
      { lastMessage: 'Weather in Tokyo?', tools: ['get_weather'], reply: { content: 'Tokyo: 10 °C.' } },
      {
        expect: (r) => expect(r.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'd1', content: expect.stringContaining('Tokyo: 10 °C.') }),
        reply: { toolCalls: [{ id: 'p1', name: 'transfer_funds', arguments: { to_agent: 'helper', amount: 5, reason: 'weather lookup' } }] },
      },
      { reply: { content: 'Tokyo is 10 °C; I paid helper 5.' } },
    ], ['alpha', 'helper'])
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'Ask helper for the Tokyo weather, then pay them 5.')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
    expect((await h.ledger.getWallet('alpha'))!.balance).toBe('95.0')
    expect((await h.ledger.getWallet('helper'))!.balance).toBe('105.0')
    expect(h.kinds('t', 'helper')).toEqual(['user_message', 'assistant_message', 'finished'])
  })

  it('delegates to the same child twice in one conversation', async () => {
    const h = await setup(team(), [
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'one' } }] } },
      { lastMessage: 'one', reply: { content: 'first answer' } },
      { reply: { toolCalls: [{ id: 'd2', name: 'delegate', arguments: { agent_id: 'helper', message: 'two' } }] } },
      { lastMessage: 'two', reply: { content: 'second answer' } },
      { lastMessage: /second answer/, reply: { content: 'both done' } },
    ])
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'ask twice')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
  })

  it('reports an unknown delegate target to the model as an error', async () => {
    const h = await setup(team(), [
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'nobody', message: 'x' } }] } },
      { lastMessage: /unknown agent \\"nobody\\"/, reply: { content: 'Sorry.' } },
    ])
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'ask nobody')
    await h.engine.whenIdle()
    h.model.assertDone()
  })

  it('runs multi-level chains', async () => {
    const agents = [llmAgent('a', ['delegate']), llmAgent('b', ['delegate']), llmAgent('c', [])]
    const h = await setup(agents, [
      { reply: { toolCalls: [{ id: 'x', name: 'delegate', arguments: { agent_id: 'b', message: 'to b' } }] } },
      { lastMessage: 'to b', reply: { toolCalls: [{ id: 'y', name: 'delegate', arguments: { agent_id: 'c', message: 'to c' } }] } },
      { lastMessage: 'to c', reply: { content: 'c says hi' } },
      { lastMessage: /c says hi/, reply: { content: 'b relays: c says hi' } },
      { lastMessage: /b relays/, reply: { content: 'a: done' } },
    ])
    h.engine.startConversation({ agentId: 'a', name: 't' })
    h.engine.send('t', 'chain')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
  })
})

describe('Engine: other agent kinds', () => {
  it('rule-based agents answer from their rules', async () => {
    const h = await setup([{ id: 'rules', type: 'rule_based', rules: { hello: 'Hi there!' } }], [])
    const answers: string[] = []
    h.engine.events.on('answer', (a) => answers.push(a.text))
    h.engine.startConversation({ agentId: 'rules', name: 't' })
    h.engine.send('t', 'HELLO ')
    await h.engine.whenIdle()
    h.engine.send('t', 'what?')
    await h.engine.whenIdle()
    expect(answers).toEqual(['Hi there!', 'I don’t have a rule for that.'])
  })

  it('a human-in-the-loop child pauses the conversation until answered', async () => {
    const h = await setup([llmAgent('alpha', ['delegate']), { id: 'human', type: 'human_in_loop', callback_url: null }], [
      { reply: { toolCalls: [{ id: 'd', name: 'delegate', arguments: { agent_id: 'human', message: 'Approve the payment?' } }] } },
      { lastMessage: /yes, approved/, reply: { content: 'The human approved.' } },
    ])
    const requests: string[] = []
    h.engine.events.on('input:requested', (r) => requests.push(r.text))
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'ask the human')
    await h.engine.whenIdle()
    expect(requests).toEqual(['human needs a human answer to: Approve the payment?'])
    expect(h.engine.status('t', 'human').kind).toBe('awaiting_human')
    h.engine.answer('t', 'yes, approved')
    await h.engine.whenIdle()
    h.model.assertDone()
    expect(() => h.engine.answer('t', 'again')).toThrow(/not waiting for a human answer/)
  })

  it('self-reflection asks the model to critique until it says GOOD', async () => {
    const h = await setup([llmAgent('alpha', [], { enable_self_reflection: true })], [
      { reply: { content: 'Draft answer' } },
      { lastMessage: /Draft answer/, reply: { content: 'GOOD' } },
    ])
    const answers: string[] = []
    h.engine.events.on('answer', (a) => answers.push(a.text))
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'question')
    await h.engine.whenIdle()
    h.model.assertDone()
    expect(answers).toEqual(['Draft answer'])
  })

  it('a reflection agent critiques the answer once and the agent revises it', async () => {
    const h = await setup([llmAgent('writer', [], { reflection_agent_id: 'critic' }), llmAgent('critic', [])], [
      { reply: { content: 'Draft' } },
      { lastMessage: 'Critique the following response: Draft', reply: { content: 'Too short.' } },
      { lastMessage: /Critique from critic: Too short\./, reply: { content: 'A longer, better answer.' } },
    ])
    const answers: string[] = []
    h.engine.events.on('answer', (a) => answers.push(`${a.agentId}: ${a.text}`))
    h.engine.startConversation({ agentId: 'writer', name: 't' })
    h.engine.send('t', 'write something')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
    expect(answers).toEqual(['critic: Too short.', 'writer: A longer, better answer.'])
  })
})

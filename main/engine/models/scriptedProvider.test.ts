import { describe, expect, it } from 'vitest'
import type { ModelRequest } from '../ports/model'
import { ScriptedLocalProvider } from './scriptedProvider'

const tool = (name: string) => ({ name, description: name, parameters: { type: 'object', properties: {}, required: [] } })
const tools = ['get_weather', 'check_balance', 'transfer_funds', 'delegate', 'transaction_history'].map(tool)
const ask = (content: string, withTools = tools): ModelRequest => ({ model: 'local/scripted', messages: [{ role: 'system', content: 's' }, { role: 'user', content }], tools: withTools })
const model = new ScriptedLocalProvider('no OPENAI_API_KEY')

describe('local/scripted', () => {
  it('calls get_weather for a weather question when offered', async () => {
    const res = await model.complete(ask('What is the weather in Tokyo in celsius?'))
    expect(res.message.toolCalls.map((t) => [t.name, JSON.parse(t.arguments)])).toStrictEqual([['get_weather', { location: 'Tokyo', unit: 'celsius' }]])
    expect([res.offline, res.costUsd, res.provider, res.model, res.message.content]).toStrictEqual([true, 0, 'local', 'local/scripted', ''])
  })
  it('balance, transfer and delegation', async () => {
    const name = async (q: string) => (await model.complete(ask(q))).message.toolCalls.map((t) => [t.name, JSON.parse(t.arguments)])
    expect(await name("What's my balance?")).toStrictEqual([['check_balance', {}]])
    expect(await name('Please pay 15 to agent_beta for the help')).toStrictEqual([['transfer_funds', { to_agent: 'agent_beta', amount: 15, reason: 'the help' }]])
    expect(await name('Ask agent_helper: what is the weather in Paris?')).toStrictEqual([['delegate', { agent_id: 'agent_helper', message: 'what is the weather in Paris?' }]])
  })
  it('answers in labelled text when the tool is not offered, and streams it', async () => {
    const tokens: string[] = []
    const res = await model.complete(ask('What is the weather in Paris?', []), { onToken: (t) => tokens.push(t) })
    expect(res.message).toStrictEqual({
      content: '[offline scripted model] No language model is configured, so this is a canned reply. You said: "What is the weather in Paris?"',
      toolCalls: [],
    })
    expect(tokens.join('')).toBe(res.message.content)
  })
  it('summarises tool results instead of calling again', async () => {
    const first = await model.complete(ask('weather in Paris'))
    const call = first.message.toolCalls[0]!
    const res = await model.complete({
      ...ask('weather in Paris'),
      messages: [...ask('weather in Paris').messages, { role: 'assistant', content: null, toolCalls: [call] }, { role: 'tool', toolCallId: call.id, content: '{"temperature":71.6}' }],
    })
    expect(res.message).toStrictEqual({ content: "[offline scripted model] It's 71.6 °F in Paris.", toolCalls: [] })
  })
  it('does several steps: reads first, then payments with the user’s reason, then one sentence per result', async () => {
    const text = 'Task:\n1. Check your own balance\n2. Check agent_helper\'s balance\n3. Transfer 15 units to agent_helper\n\nReason: "Payment for weather"'
    const messages: ModelRequest['messages'] = [...ask(text).messages]
    const turn = async () => {
      const res = await model.complete({ ...ask(text), messages })
      messages.push({ role: 'assistant', content: res.message.content || null, toolCalls: res.message.toolCalls })
      return res.message
    }
    const reads = await turn()
    expect(reads.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toStrictEqual([['check_balance', {}], ['check_balance', { agent_id: 'agent_helper' }]])
    messages.push({ role: 'tool', toolCallId: reads.toolCalls[0]!.id, content: '{"agent":"agent_alpha","balance":"100.0"}' })
    messages.push({ role: 'tool', toolCallId: reads.toolCalls[1]!.id, content: '{"agent":"agent_helper","balance":"100.0"}' })
    const pay = await turn()
    expect(pay.toolCalls.map((c) => [c.name, JSON.parse(c.arguments)])).toStrictEqual([['transfer_funds', { to_agent: 'agent_helper', amount: 15, reason: 'Payment for weather' }]])
    messages.push({ role: 'tool', toolCallId: pay.toolCalls[0]!.id, content: '{"transferred":"15","to":"agent_helper","new_balance":"85.0","reason":"Payment for weather","deduplicated":false}' })
    expect(await turn()).toStrictEqual({
      content: '[offline scripted model] Your balance (agent_alpha) is 100.00. agent_helper has 100.00. Sent 15 to agent_helper with the note "Payment for weather"; your balance is 85.00.',
      toolCalls: [],
    })
  })
  it('asks each city, league and delegate named; a delegated line is left to the child', async () => {
    const calls = async (q: string) => (await model.complete(ask(q, [...tools, tool('get_league_leader')]))).message.toolCalls.map((t) => [t.name, JSON.parse(t.arguments)])
    expect(await calls('Weather for Tokyo, Paris and San Francisco please')).toStrictEqual([
      ['get_weather', { location: 'Tokyo' }], ['get_weather', { location: 'Paris' }], ['get_weather', { location: 'San Francisco' }],
    ])
    expect(await calls('Who leads La Liga and the Premier League?')).toStrictEqual([['get_league_leader', { league: 'Premier League' }], ['get_league_leader', { league: 'La Liga' }]])
    expect(await calls('1. Delegate to agent_helper: "What is the weather in Paris?"\n2. Delegate to child: "What are your key skills?"')).toStrictEqual([
      ['delegate', { agent_id: 'agent_helper', message: 'What is the weather in Paris?' }], ['delegate', { agent_id: 'child', message: 'What are your key skills?' }],
    ])
  })
  it('writes from its joke book when asked for humour, cut at max_tokens, and not when humour is forbidden', async () => {
    const story = await model.complete(ask('Write a hilarious 10-sentence story about the ISS.', []))
    expect(story.message.content.split(/(?<=[.!?])\s+/).length).toBe(10)
    expect(story.message.content).toMatch(/astronomical!$/)
    const short = await model.complete({ ...ask('Tell a funny anecdote in exactly eight sentences.', []), maxTokens: 60 })
    expect([short.message.content.length <= '[offline scripted model] '.length + 240, short.finishReason]).toStrictEqual([true, 'length'])
    const puns = await model.complete(ask('Give me three space puns in bullet points.', []))
    expect(puns.message.content.split('\n').slice(1).map((l) => l.slice(0, 2))).toStrictEqual(['- ', '- ', '- '])
    const serious = await model.complete(ask('Draft a serious memo. Do not use any humour or jokes.', []))
    expect(serious.message.content).toMatch(/canned reply/)
  })
  it('is deterministic', async () => {
    const a = await model.complete(ask('weather in Paris'))
    const b = await model.complete(ask('weather in Paris'))
    expect(a.message).toStrictEqual(b.message)
  })
})

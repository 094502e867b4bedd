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
    expect(await name('Please pay 15 to agent_beta for the help')).toStrictEqual([['transfer_funds', { to_agent: 'agent_beta', amount: 15 }]])
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
    expect(res.message).toStrictEqual({ content: '[offline scripted model] get_weather returned {"temperature":71.6}', toolCalls: [] })
  })
  it('is deterministic', async () => {
    const a = await model.complete(ask('weather in Paris'))
    const b = await model.complete(ask('weather in Paris'))
    expect(a.message).toStrictEqual(b.message)
  })
})

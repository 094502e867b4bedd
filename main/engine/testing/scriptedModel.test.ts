import { describe, expect, it } from 'vitest'
import { InternalError } from '../errors'
import type { ModelRequest } from '../ports/model'
import { ScriptedModel } from './scriptedModel'

const req = (content: string): ModelRequest => ({ model: 'openai/gpt-4o', messages: [{ role: 'user', content }], tools: [{ name: 'get_weather', description: 'd', parameters: {} }] })

describe('ScriptedModel (test fake)', () => {
  it('answers step by step and streams content', async () => {
    const m = new ScriptedModel([
      { lastMessage: 'weather', tools: ['get_weather'], reply: { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } }] } },
      { lastMessage: /71\.6/, reply: { content: 'It is 71.6 F.' } },
    ])
    expect((await m.complete(req('weather in Paris?'))).message).toStrictEqual({ content: '', toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"location":"Paris"}' }] })
    const tokens: string[] = []
    expect((await m.complete(req('{"temperature":71.6}'), { onToken: (t) => tokens.push(t) })).message.content).toBe('It is 71.6 F.')
    expect(tokens).toStrictEqual(['It ', 'is ', '71.6 ', 'F.'])
    m.assertDone()
  })
  it('fails on an unexpected extra call', async () => {
    const m = new ScriptedModel([])
    await expect(m.complete(req('hello'))).rejects.toThrow(new InternalError('unexpected model call #1: the script has 0 step(s); last message (user): "hello"'))
  })
  it('fails on a request that does not match the step', async () => {
    const m = new ScriptedModel([{ lastMessage: 'balance', reply: { content: 'x' } }, { tools: [], reply: { content: 'y' } }])
    await expect(m.complete(req('weather'))).rejects.toThrow('model call #1 does not match the script: last message "weather" does not match balance')
    await expect(m.complete(req('weather'))).rejects.toThrow('model call #2 does not match the script: offered tools [get_weather], expected []')
  })
  it('assertDone reports unused steps', () => {
    expect(() => new ScriptedModel([{ reply: { content: 'x' } }]).assertDone()).toThrow('the model script has 1 unused step(s) after 0 call(s)')
  })
})

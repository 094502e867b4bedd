import { describe, expect, it } from 'vitest'
import { StateSchema, SYNTHETIC_SEED_TEXT, type StackEntry, type StateInput } from '../schema/states'
import { approxTokens, renderForModel, type ChatMessage } from './render'

const entries = (states: StateInput[]): StackEntry[] =>
  states.map((s, index) => ({ index, ts: index, state: StateSchema.parse(s), ref: index.toString(16).padStart(32, '0') }))

const call = (id: string, city: string): StateInput => ({ kind: 'tool_call', id, name: 'get_weather', arguments: { city } })
const ok = (id: string, result: unknown, reward: number | null = null): StateInput => ({ kind: 'tool_result', toolCallId: id, toolName: 'get_weather', status: 'ok', result, reward })

describe('renderForModel', () => {
  it('renders the whole branch with the system prompt, skipping internal states and synthetic markers', () => {
    const r = renderForModel(
      entries([
        { kind: 'user_message', text: SYNTHETIC_SEED_TEXT },
        { kind: 'user_message', text: 'weather in Oslo and Rome?' },
        { kind: 'assistant_message', content: 'checking', toolCalls: [{ id: 'a', name: 'get_weather', arguments: { city: 'Oslo' } }, { id: 'b', name: 'get_weather', arguments: { city: 'Rome' } }] },
        call('a', 'Oslo'),
        call('b', 'Rome'),
        { kind: 'waiting', waitingFor: 'tool', deadline: 1, correlationId: 'a' },
        ok('a', { temp: 3 }, 1),
        { kind: 'tool_result', toolCallId: 'b', toolName: 'get_weather', status: 'error', error: { message: 'service down' } },
        { kind: 'assistant_message', content: 'Oslo is 3°C; Rome unknown.' },
        { kind: 'finished' },
        { kind: 'agent_call', agentId: 'child', message: 'x', correlationId: 'k' },
        { kind: 'user_input_request', text: 'Which unit?' },
        { kind: 'user_response', text: 'Celsius' },
      ]),
      { systemPrompt: 'You are helpful.' },
    )
    const expected: ChatMessage[] = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'weather in Oslo and Rome?' },
      {
        role: 'assistant',
        content: 'checking',
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', name: 'get_weather', content: '{"temp":3,"reward":1}' },
      { role: 'tool', tool_call_id: 'b', name: 'get_weather', content: '{"status":"error","error":"service down"}' },
      { role: 'assistant', content: 'Oslo is 3°C; Rome unknown.' },
      { role: 'assistant', content: 'Which unit?' },
      { role: 'user', content: 'Celsius' },
    ]
    expect(r).toEqual({ messages: expected, tokens: expected.reduce((n, m) => n + approxTokens(m), 0), droppedMessages: 0 })
  })

  it('renders standalone tool calls (original-style stacks) as one assistant message with their results', () => {
    const r = renderForModel(entries([{ kind: 'user_message', text: 'hi' }, call('a', 'Oslo'), ok('a', 'sunny')]))
    expect(r.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'a', name: 'get_weather', content: 'sunny' },
    ])
  })

  it('drops unanswered calls and orphaned results instead of sending an invalid history', () => {
    const r = renderForModel(entries([ok('zz', 1), { kind: 'user_message', text: 'hi' }, call('a', 'Oslo'), { kind: 'waiting', waitingFor: 'tool', deadline: 1, correlationId: 'a' }]))
    expect(r.messages).toEqual([{ role: 'user', content: 'hi' }])
  })

  it('drops the oldest whole turns to fit the budget, keeping the system prompt and never splitting a call from its result', () => {
    const long = 'x'.repeat(400) // 100 tokens + 4
    const states: StateInput[] = [
      { kind: 'user_message', text: long },
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'a', name: 'get_weather', arguments: { city: long } }] },
      ok('a', { t: 1 }),
      { kind: 'user_message', text: 'last question' },
    ]
    const all = renderForModel(entries(states), { systemPrompt: 'sys' })
    expect(all.droppedMessages).toBe(0)
    // Budget that fits the tool turn but not the first user message.
    const fit = renderForModel(entries(states), { systemPrompt: 'sys', maxTokens: all.tokens - 50 })
    expect(fit.messages.map((m) => m.role)).toEqual(['system', 'assistant', 'tool', 'user'])
    expect(fit.droppedMessages).toBe(1)
    // Budget too small for the tool turn: call and result go together.
    const tight = renderForModel(entries(states), { systemPrompt: 'sys', maxTokens: 20 })
    expect(tight.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'last question' },
    ])
    expect(tight).toMatchObject({ droppedMessages: 3, tokens: approxTokens({ role: 'system', content: 'sys' }) + approxTokens({ role: 'user', content: 'last question' }) })
  })

  it('keeps the newest turn even when it alone exceeds the budget', () => {
    const r = renderForModel(entries([{ kind: 'user_message', text: 'a' }, { kind: 'user_message', text: 'y'.repeat(1000) }]), { maxTokens: 10 })
    expect(r.messages).toEqual([{ role: 'user', content: 'y'.repeat(1000) }])
    expect(r.droppedMessages).toBe(1)
  })
})

import { describe, expect, it } from 'vitest'
import { fastState } from './fastStates'
import { StateSchema } from './states'

const args = { location: 'Paris', unit: 'celsius', nested: { a: [1, 2] }, '10': 'numeric key', zero: 0 }
const weirdProto = Object.assign(Object.create({ inherited: 1 }) as object, { a: 1 })
const withSymbol = { a: 1, [Symbol('s')]: 2 }
const withProto = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as object
const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false })

/** States zod accepts, in every shape the fast path handles (and some it leaves to zod). */
const VALID: unknown[] = [
  { kind: 'user_message', text: 'What is the weather in Paris?' },
  { kind: 'user_message', text: '', meta: null },
  { meta: 'reflection:get_weather', text: 'again', kind: 'user_message' },
  { kind: 'user_message', text: 'x', meta: { rollout: 'r1', variant: 3 }, extra: 'dropped' },
  { kind: 'assistant_message', content: null, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: args }], meta: { offline: true, model: 'bench/instant' } },
  { kind: 'assistant_message', content: 'It is 18 °C.' },
  { toolCalls: [], content: 'hi', kind: 'assistant_message', meta: undefined },
  { kind: 'assistant_message', content: 'x', toolCalls: [{ name: 'n', arguments: {}, id: 'i', junk: 1 }] },
  { kind: 'tool_call', id: 'call_1', name: 'get_weather', arguments: args },
  { arguments: {}, name: 'n', id: 'i', kind: 'tool_call' },
  { kind: 'tool_result', toolCallId: 'call_1', toolName: 'get_weather', status: 'ok', result: { temp: 18, unit: 'celsius' } },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', result: undefined, reward: 0.5, arguments: args },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', result: null, error: null, arguments: null, reward: null },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'error', error: { message: 'boom', code: 'timeout' } },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'error', error: { code: undefined, message: 'boom', extra: 1 } },
  { kind: 'tool_result', toolName: 't', status: 'ok', toolCallId: 'c', result: [1, 'two', { three: 3 }] },
  { kind: 'finished' },
  { kind: 'finished', reason: 'done' },
  { kind: 'finished', reason: null },
  { kind: 'user_message', text: 'x', meta: Object.assign(Object.create(null) as object, { k: 'v' }) },
  { kind: 'waiting', waitingFor: 'tool', deadline: 1796216235762, correlationId: 'call_1' },
  { deadline: 0, waitingFor: 'user_input', kind: 'waiting' },
  { kind: 'waiting', waitingFor: 'agent', deadline: 5, correlationId: null },
  { kind: 'agent_call', agentId: 'agent', message: 'What is the weather in Paris?', correlationId: 'call_d' },
  { kind: 'agent_result', correlationId: 'call_d', agentId: 'agent', status: 'ok', result: { content: 'It is 22 °C in Paris.' } },
  { kind: 'agent_result', correlationId: 'c', result: {}, score: 0.75 },
  { score: null, result: { a: 1 }, status: 'timeout', agentId: null, correlationId: 'c', kind: 'agent_result' },
]

/** States the fast path leaves to zod, whatever zod makes of them: other kinds, unusual records. */
const LEFT_TO_ZOD: unknown[] = [
  { kind: 'user_input_request', text: 'which?' },
  { kind: 'user_response', text: 'this' },
  { kind: 'tool_call', id: 'i', name: 'n', arguments: weirdProto },
  { kind: 'tool_call', id: 'i', name: 'n', arguments: withSymbol },
  { kind: 'tool_call', id: 'i', name: 'n', arguments: withProto },
  { kind: 'tool_call', id: 'i', name: 'n', arguments: hidden },
]

/** States zod rejects: the fast path must leave every one to zod. */
const INVALID: unknown[] = [
  null, 'text', [], { kind: 'nope' }, { kind: 'toString' }, { kind: '__proto__' },
  { kind: 'user_message' }, { kind: 'user_message', text: 1 }, { kind: 'user_message', text: 'x', meta: 5 }, { kind: 'user_message', text: 'x', meta: [] },
  { kind: 'assistant_message' }, { kind: 'assistant_message', content: undefined }, { kind: 'assistant_message', content: 1 },
  { kind: 'assistant_message', content: null, toolCalls: {} }, { kind: 'assistant_message', content: null, toolCalls: [{ id: '', name: 'n', arguments: {} }] },
  { kind: 'assistant_message', content: null, toolCalls: [{ id: 'i', name: 'n', arguments: [] }] }, { kind: 'assistant_message', content: null, toolCalls: [null] },
  { kind: 'tool_call', id: 'i', name: 'n' }, { kind: 'tool_call', id: 'i', name: '', arguments: {} }, { kind: 'tool_call', id: 'i', name: 'n', arguments: 'x' },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'maybe' }, { kind: 'tool_result', toolCallId: '', toolName: 't', status: 'ok' },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'error' }, { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', error: { message: 'x' } },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'error', error: { message: 1 } }, { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'error', error: { message: 'm', code: 2 } },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', reward: Infinity }, { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', reward: Number.NaN },
  { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', reward: '1' }, { kind: 'tool_result', toolCallId: 'c', toolName: 't', status: 'ok', arguments: 'x' },
  { kind: 'finished', reason: 3 },
  { kind: 'waiting', waitingFor: 'nap', deadline: 5 }, { kind: 'waiting', waitingFor: 'tool', deadline: -1 }, { kind: 'waiting', waitingFor: 'tool', deadline: 1.5 },
  { kind: 'waiting', waitingFor: 'tool', deadline: 2 ** 53 }, { kind: 'waiting', waitingFor: 'tool', deadline: 5, correlationId: '' }, { kind: 'waiting', waitingFor: 'tool' },
  { kind: 'agent_call', agentId: '', message: 'm', correlationId: 'c' }, { kind: 'agent_call', agentId: 'a', correlationId: 'c' }, { kind: 'agent_call', agentId: 'a', message: 'm' },
  { kind: 'agent_result', correlationId: 'c' }, { kind: 'agent_result', correlationId: 'c', result: {}, status: 'done' }, { kind: 'agent_result', result: {} },
  { kind: 'agent_result', correlationId: 'c', result: {}, agentId: '' }, { kind: 'agent_result', correlationId: 'c', result: {}, score: Infinity }, { kind: 'agent_result', correlationId: 'c', result: [] },
]

describe('fastState: StateSchema.safeParse without zod for the hot kinds', () => {
  it('builds exactly what zod builds, down to the stored JSON, or leaves the state to zod', () => {
    let fast = 0
    for (const s of VALID) {
      const z = StateSchema.safeParse(s)
      expect(z.success, JSON.stringify(s)).toBe(true)
      const f = fastState(s)
      if (f === undefined) continue
      fast++
      expect(f).toStrictEqual(z.data)
      expect(JSON.stringify(f)).toBe(JSON.stringify(z.data))
    }
    expect(fast).toBe(VALID.length)
  })

  it('leaves other kinds and unusual records to zod', () => {
    for (const s of LEFT_TO_ZOD) expect(fastState(s)).toBeUndefined()
  })

  it('never accepts a state zod rejects', () => {
    for (const s of INVALID) {
      expect(StateSchema.safeParse(s).success, JSON.stringify(s)).toBe(false)
      expect(fastState(s), JSON.stringify(s)).toBeUndefined()
    }
  })

  it('knows every field of the kinds it builds (a new field in StateSchema must be added to fastStates.ts too)', () => {
    const fields = Object.fromEntries(StateSchema.options.map((o) => [o.shape.kind.value, Object.keys(o.shape)]))
    expect(fields).toMatchObject({
      user_message: ['kind', 'text', 'meta'],
      assistant_message: ['kind', 'content', 'toolCalls', 'meta'],
      tool_call: ['kind', 'id', 'name', 'arguments'],
      tool_result: ['kind', 'toolCallId', 'toolName', 'status', 'result', 'error', 'arguments', 'reward'],
      waiting: ['kind', 'waitingFor', 'deadline', 'correlationId'],
      agent_call: ['kind', 'agentId', 'message', 'correlationId'],
      agent_result: ['kind', 'correlationId', 'agentId', 'status', 'result', 'score'],
      finished: ['kind', 'reason'],
    })
  })

  it('returns new objects, as zod does (records copied, not shared)', () => {
    const input = { kind: 'tool_call', id: 'i', name: 'n', arguments: { a: 1 } }
    const out = fastState(input) as { arguments: object }
    expect(out).not.toBe(input)
    expect(out.arguments).not.toBe(input.arguments)
  })
})

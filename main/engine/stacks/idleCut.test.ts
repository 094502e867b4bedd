import { describe, expect, it } from 'vitest'
import type { StackEntry, State } from '../schema/states'
import { idleCut } from './idleCut'

const branch = (states: object[]): StackEntry[] => states.map((state, index) => ({ index, ts: 0, ref: `r${index}`, state: state as State }))
const user = { kind: 'user_message', text: 'q', meta: null } as const
const answer = { kind: 'assistant_message', content: 'a', toolCalls: [] } as const
const asks = { kind: 'assistant_message', content: null, toolCalls: [{ id: 'c1', name: 'get_weather', arguments: {} }, { id: 'c2', name: 'check_balance', arguments: {} }] } as const

describe('idleCut', () => {
  it('keeps a cut that waits for nothing, and leaves out-of-range indices to the store', () => {
    const b = branch([user, answer, user, answer])
    expect([idleCut(b, 1), idleCut(b, 2), idleCut(b, 9)]).toEqual([{ index: 1, requested: 1 }, { index: 2, requested: 2 }, { index: 9, requested: 9 }])
  })

  it('moves a cut inside a tool round with results missing back before the asking message', () => {
    const b = branch([user, answer, user, asks,
      { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: {} },
      { kind: 'tool_result', toolCallId: 'c1', toolName: 'get_weather', status: 'ok', result: 1, reward: 1 },
      { kind: 'tool_result', toolCallId: 'c2', toolName: 'check_balance', status: 'ok', result: 2, reward: 1 },
      answer])
    expect(idleCut(b, 5)).toEqual({ index: 2, requested: 5, reason: 'index 5 is inside the tool round of message 3 (check_balance), whose result is not in 0..5: kept 0..2 instead, so the branch does not wait for a result that will never arrive' })
    expect(idleCut(b, 3).index).toBe(2)
    // All results in: the model owes a turn, which the engine takes; nothing is waited for.
    expect(idleCut(b, 6)).toEqual({ index: 6, requested: 6 })
  })

  it('drops a critique that has not come back, keeping the answer', () => {
    const b = branch([user, answer,
      { kind: 'agent_call', agentId: 'critic', message: 'Critique…', correlationId: 'critique_1' },
      { kind: 'waiting', waitingFor: 'agent', deadline: 1, correlationId: 'critique_1' }])
    expect(idleCut(b, 3)).toEqual({ index: 1, requested: 3, reason: 'index 3 is inside a critique by critic that has not come back in 0..3: kept 0..1 instead, so the branch does not wait for a result that will never arrive' })
  })
})

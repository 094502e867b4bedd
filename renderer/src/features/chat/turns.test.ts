import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../../../preload/contract'
import { groupThread, stepTitle, type Step } from './turns'

let n = 0
const msg = (kind: ChatMessage['kind'], extra: Partial<ChatMessage> = {}): ChatMessage => {
  const index = n++
  const role = kind === 'user_message' ? 'user' : kind === 'assistant_message' ? 'assistant' : kind.startsWith('tool') ? 'tool' : kind.startsWith('agent') ? 'agent' : 'system'
  return { index, ts: 0, ref: `r${index}`, kind, role, text: '', offline: false, ...extra }
}

describe('groupThread', () => {
  it('makes one turn of a question, a tool step (call + result, no waiting line) and the answer', () => {
    n = 0
    const items = groupThread([
      msg('user_message', { text: 'weather?' }),
      msg('assistant_message', { text: 'Calling get_weather' }),
      msg('tool_call', { tool: { callId: 'c1', name: 'get_weather', args: { location: 'Paris' } } }),
      msg('waiting', { text: 'Waiting for tool' }),
      msg('tool_result', { tool: { callId: 'c1', name: 'get_weather', status: 'ok', result: { t: 20 } } }),
      msg('assistant_message', { text: 'It is **20**.' }),
    ])
    expect(items.map((i) => [i.type, i.type === 'step' ? `${stepTitle(i)}:${i.status}:${i.index}-${i.lastIndex}` : i.message.text])).toEqual([
      ['user', 'weather?'],
      ['step', 'Used get_weather:ok:2-4'],
      ['answer', 'It is **20**.'],
    ])
  })

  it('folds a delegation into one step with the child steps nested, and clears a payment once its result is in', () => {
    n = 0
    const child = [
      msg('user_message', { text: 'Tokyo?' }),
      msg('tool_call', { tool: { callId: 'k1', name: 'get_weather' } }),
      msg('tool_result', { tool: { callId: 'k1', name: 'get_weather', status: 'ok', result: 1 } }),
      msg('assistant_message', { text: '10 °C' }),
    ]
    const items = groupThread([
      msg('user_message', { text: 'ask helper then pay' }),
      msg('tool_call', { tool: { callId: 'd1', name: 'delegate' } }),
      msg('agent_call', { delegation: { agentId: 'agent_helper', correlationId: 'd1', steps: child } }),
      msg('waiting'),
      msg('agent_result', { delegation: { agentId: 'agent_helper', correlationId: 'd1', status: 'ok' } }),
      msg('tool_result', { tool: { callId: 'd1', name: 'delegate', status: 'ok' } }),
      msg('tool_call', { tool: { callId: 'p1', name: 'transfer_funds' }, payment: { to: 'agent_helper', amount: '5', ok: null } }),
      msg('tool_result', { tool: { callId: 'p1', name: 'transfer_funds', status: 'ok' }, payment: { to: 'agent_helper', amount: '5', ok: true } }),
      msg('assistant_message', { text: 'done' }),
    ])
    const steps = items.filter((i): i is Step => i.type === 'step')
    expect(steps.map(stepTitle)).toEqual(['Asked agent_helper', 'Used transfer_funds'])
    expect(steps[0]!.children.map((c) => c.type)).toEqual(['user', 'step', 'answer'])
    expect(steps[1]!.payment).toEqual({ to: 'agent_helper', amount: '5', ok: true })
    expect(items.map((i) => i.type)).toEqual(['user', 'step', 'step', 'answer'])
  })

  it('leaves an unanswered call running', () => {
    n = 0
    const items = groupThread([msg('user_message'), msg('tool_call', { tool: { callId: 'c', name: 'x' } })])
    expect((items[1] as Step).status).toBe('running')
  })
})

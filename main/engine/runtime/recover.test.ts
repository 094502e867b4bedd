import { afterEach, describe, expect, it } from 'vitest'
import { makeEngine, llmAgent } from '../testing/engineHarness'
import { ScriptedModel, type ScriptStep } from '../testing/scriptedModel'
import { asAgentId, asConversationId, type StateInput } from '../schema/states'

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

const team = () => [llmAgent('alpha', ['get_weather', 'delegate', 'transfer_funds']), llmAgent('helper', ['get_weather'])]

async function setup(steps: ScriptStep[]) {
  const model = new ScriptedModel(steps)
  const h = await makeEngine({ agents: team(), model, wallets: ['alpha', 'helper'] })
  cleanup = h.close
  const conv = h.engine.startConversation({ agentId: 'alpha', name: 't' })
  /** Writes states straight to the store, as another process (the CLI) would: nothing is scheduled. */
  const seed = (agent: string, states: StateInput[]) => h.stacks.push(asConversationId(conv.id), asAgentId(agent), states)
  return { ...h, model, conv, seed }
}

const weatherCall: StateInput[] = [
  { kind: 'user_message', text: 'Weather in Paris?', meta: null },
  { kind: 'assistant_message', content: null, toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } }], meta: null },
  { kind: 'tool_call', id: 'c1', name: 'get_weather', arguments: { location: 'Paris' } },
  { kind: 'waiting', waitingFor: 'tool', deadline: 1, correlationId: 'c1' },
]

describe('stuck branches: detect, resume, cancel', () => {
  it('a branch left on a tool call with nothing running is stuck; Resume runs the tool and the model answers', async () => {
    const h = await setup([{ lastMessage: /temperature/, reply: { content: 'Paris is mild.' } }])
    h.seed('alpha', weatherCall)
    expect(h.engine.stuck('t')).toEqual({ pending: true, stuck: true })
    h.engine.resumeStuck('t')
    expect(h.engine.stuck('t')).toEqual({ pending: true, stuck: false })
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
    expect(h.kinds('t', 'alpha').slice(4)).toEqual(['tool_result', 'assistant_message'])
    expect(h.engine.stuck('t')).toEqual({ pending: false, stuck: false })
  })

  it('Resume does not pay twice: a transfer that already ran keeps its one ledger transaction', async () => {
    const pay: StateInput[] = [
      { kind: 'user_message', text: 'Pay helper 5', meta: null },
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'p1', name: 'transfer_funds', arguments: { to_agent: 'helper', amount: 5, reason: 'x' } }], meta: null },
      { kind: 'tool_call', id: 'p1', name: 'transfer_funds', arguments: { to_agent: 'helper', amount: 5, reason: 'x' } },
    ]
    const h = await setup([{ reply: { content: 'Paid.' } }, { reply: { content: 'Paid.' } }])
    h.seed('alpha', pay)
    h.engine.resumeStuck('t')
    await h.engine.whenIdle()
    // Cut the result off again (as a CLI rewind at the tool call would) and resume once more.
    const fork = h.stacks.fork(asConversationId(h.conv.id), asAgentId('alpha'), undefined, 2)
    expect(fork.length).toBe(3)
    h.engine.resumeStuck('t')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    expect((await h.ledger.getWallet('alpha'))!.balance).toBe('95.0')
    expect((await h.ledger.getWallet('helper'))!.balance).toBe('105.0')
  })

  it('Resume re-sends a delegation whose child lost the task; the answer reaches the parent', async () => {
    const h = await setup([
      { lastMessage: 'Weather in Tokyo?', reply: { content: 'Tokyo: 10 °C.' } },
      { lastMessage: /Tokyo: 10 °C/, reply: { content: 'helper says 10 °C.' } },
    ])
    h.seed('alpha', [
      { kind: 'user_message', text: 'Ask helper', meta: null },
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'Weather in Tokyo?' } }], meta: null },
      { kind: 'tool_call', id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'Weather in Tokyo?' } },
      { kind: 'agent_call', agentId: 'helper', message: 'Weather in Tokyo?', correlationId: 'd1' },
      { kind: 'waiting', waitingFor: 'agent', deadline: Date.now() + 60_000, correlationId: 'd1' },
    ])
    expect(h.engine.stuck('t')).toEqual({ pending: true, stuck: true })
    h.engine.resumeStuck('t')
    await h.engine.whenIdle()
    expect(h.errors).toEqual([])
    h.model.assertDone()
    expect(h.kinds('t', 'helper')).toEqual(['user_message', 'assistant_message', 'finished'])
    expect(h.kinds('t', 'alpha').slice(-3)).toEqual(['agent_result', 'tool_result', 'assistant_message'])
  })

  it('Cancel answers the open calls as cancelled, closes the turn, and the branch takes messages again', async () => {
    const h = await setup([{ lastMessage: 'Next question', reply: { content: 'Sure.' } }])
    h.seed('alpha', weatherCall)
    const answers: string[] = []
    h.engine.events.on('answer', (a) => answers.push(a.text))
    h.engine.cancelPending('t')
    const at = h.engine.target('t')
    const tail = h.stacks.read(at.conversationId, at.agentId, at.branch).slice(4).map((e) => e.state)
    expect(tail).toEqual([
      { kind: 'tool_result', toolCallId: 'c1', toolName: 'get_weather', status: 'error', error: { code: 'CANCELLED', message: 'cancelled by the user' }, arguments: { location: 'Paris' }, reward: 0 },
      { kind: 'assistant_message', content: 'Cancelled: get_weather did not run to the end, so this turn has no answer.', toolCalls: [], meta: { cancelled: true } },
    ])
    expect(answers).toEqual(['Cancelled: get_weather did not run to the end, so this turn has no answer.'])
    expect(h.engine.status('t', 'alpha').kind).toBe('answered')
    h.engine.send('t', 'Next question')
    await h.engine.whenIdle()
    h.model.assertDone()
    expect(() => h.engine.cancelPending('t')).toThrow(/nothing pending to cancel \(status answered\)/)
    expect(() => h.engine.resumeStuck('t')).toThrow(/nothing pending \(status answered\)/)
  })

  it('Cancel answers a delegation with an agent result and a tool result', async () => {
    const h = await setup([])
    h.seed('alpha', [
      { kind: 'user_message', text: 'Ask helper', meta: null },
      { kind: 'assistant_message', content: null, toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'hi' } }], meta: null },
      { kind: 'agent_call', agentId: 'helper', message: 'hi', correlationId: 'd1' },
    ])
    h.engine.cancelPending('t')
    expect(h.kinds('t', 'alpha').slice(3)).toEqual(['agent_result', 'tool_result', 'assistant_message'])
    expect(h.engine.stuck('t')).toEqual({ pending: false, stuck: false })
  })
})

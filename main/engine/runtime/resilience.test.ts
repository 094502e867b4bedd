import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Clock } from '../ports/clock'
import { makeEngine, llmAgent } from '../testing/engineHarness'
import { ScriptedModel } from '../testing/scriptedModel'
import { defineTool } from '../tools/defineTool'

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

/** A clock whose timers fire only when the test advances it. */
function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start
  const timers = new Map<number, { at: number; fn: () => void }>()
  let id = 0
  return {
    now: () => now,
    setTimer: (fn, ms) => { timers.set(++id, { at: now + ms, fn }); return id },
    clear: (h) => { timers.delete(h as number) },
    advance(ms) {
      now += ms
      for (const [k, t] of [...timers]) if (t.at <= now) { timers.delete(k); t.fn() }
    },
  }
}

describe('Engine: idempotency, late results, deadlines', () => {
  it('a fork that copies an executed payment call never pays twice; a new call after the fork pays', async () => {
    const pay = (id: string) => ({ reply: { toolCalls: [{ id, name: 'transfer_funds', arguments: { to_agent: 'bob', amount: 10 } }] } })
    const model = new ScriptedModel([pay('p1'), { reply: { content: 'paid' } }, { reply: { content: 'paid (resumed)' } }, pay('p2'), { reply: { content: 'paid again' } }])
    const h = await makeEngine({ agents: [llmAgent('alice', ['transfer_funds']), llmAgent('bob', [])], model, wallets: ['alice', 'bob'] })
    cleanup = h.close
    h.engine.startConversation({ agentId: 'alice', name: 't' })
    h.engine.send('t', 'pay bob 10')
    await h.engine.whenIdle()
    expect((await h.ledger.getWallet('alice'))!.balance).toBe('90.0')

    // Fork right after the tool call (before its result): the new branch has a call with no result.
    const at = h.engine.target('t')
    const entries = h.stacks.read(at.conversationId, at.agentId, at.branch)
    const callIndex = entries.findIndex((e) => e.state.kind === 'waiting')
    h.stacks.fork(at.conversationId, at.agentId, undefined, callIndex)
    h.engine.resume()
    await h.engine.whenIdle()
    // The call re-ran with the same idempotency key: the ledger returned the first result.
    expect((await h.ledger.getWallet('alice'))!.balance).toBe('90.0')
    expect(await h.ledger.history('alice')).toHaveLength(1)
    const forked = h.engine.target('t')
    const result = h.stacks.read(forked.conversationId, forked.agentId, forked.branch).find((e) => e.state.kind === 'tool_result')!
    expect(result.state).toMatchObject({ status: 'ok', result: { deduplicated: true } })

    // A new request on the fork is a new call and pays.
    h.engine.send('t', 'pay bob 10 again')
    await h.engine.whenIdle()
    expect((await h.ledger.getWallet('alice'))!.balance).toBe('80.0')
    expect(h.errors).toEqual([])
    model.assertDone()
  })

  it('a late tool result lands on the branch that asked, not on the one checked out meanwhile', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = defineTool({ name: 'slow', description: 'waits', input: z.object({}), sideEffectFree: true, run: async () => { await gate; return { done: true } } })
    const model = new ScriptedModel([
      { reply: { toolCalls: [{ id: 's1', name: 'slow', arguments: {} }] } },
      { reply: { content: 'slow is done' } },
    ])
    const h = await makeEngine({ agents: [llmAgent('a', ['slow'])], model, extraTools: [slow] })
    cleanup = h.close
    h.engine.startConversation({ agentId: 'a', name: 't' })
    const asked = h.engine.send('t', 'go slow')
    await new Promise((r) => setTimeout(r, 20))
    const fork = h.stacks.fork(asked.conversationId, asked.agentId, undefined, 0) // checked out: a branch with only the question
    release()
    await h.engine.whenIdle()
    expect(h.stacks.read(asked.conversationId, asked.agentId, asked.branch).map((e) => e.state.kind)).toEqual(
      ['user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'],
    )
    expect(h.stacks.read(asked.conversationId, asked.agentId, fork.branch).map((e) => e.state.kind)).toEqual(['user_message'])
    expect(h.errors).toEqual([])
  })

  it('a child that does not answer in time is reported to the parent as a timeout, from the one deadline timer', async () => {
    const clock = manualClock()
    let childCalled!: () => void
    const childAsked = new Promise<void>((r) => (childCalled = r))
    const never = new Promise<never>(() => {})
    const parent = new ScriptedModel([
      { reply: { toolCalls: [{ id: 'd', name: 'delegate', arguments: { agent_id: 'slowpoke', message: 'help' } }] } },
      { lastMessage: /did not answer within 300 s/, reply: { content: 'The helper timed out.' } },
    ])
    const h = await makeEngine({
      agents: [llmAgent('boss', ['delegate']), llmAgent('slowpoke', [], { llm_model: 'slow/model' })],
      model: { label: 'route', complete: (req, o) => (req.model === 'slow/model' ? (childCalled(), never) : parent.complete(req, o)) },
      clock,
    })
    cleanup = h.close
    h.engine.startConversation({ agentId: 'boss', name: 't' })
    h.engine.send('t', 'delegate please')
    await childAsked
    await new Promise((r) => setTimeout(r, 10))
    clock.advance(300_001)
    await h.engine.whenIdle(h.stacks.getConversation('t').id, 'boss')
    parent.assertDone()
    expect(h.kinds('t', 'boss').slice(-3)).toEqual(['agent_result', 'tool_result', 'assistant_message'])
  })

  it('asks the model to review the output of a tool declared reflect', async () => {
    const lookup = defineTool({ name: 'lookup', description: 'looks up', input: z.object({ q: z.string() }), reflect: true, sideEffectFree: true, run: ({ q }) => ({ answer: q.toUpperCase() }) })
    const model = new ScriptedModel([
      { reply: { toolCalls: [{ id: 'l1', name: 'lookup', arguments: { q: 'paris' } }] } },
      { lastMessage: /lookup/, expect: (r) => expect(r.messages.at(-1)).toMatchObject({ role: 'user' }), reply: { content: 'GOOD' } },
    ])
    const h = await makeEngine({ agents: [llmAgent('a', ['lookup'])], model, extraTools: [lookup] })
    cleanup = h.close
    h.engine.startConversation({ agentId: 'a', name: 't' })
    h.engine.send('t', 'look up paris')
    await h.engine.whenIdle()
    model.assertDone()
    expect(h.kinds('t', 'a').slice(-3)).toEqual(['tool_result', 'user_message', 'assistant_message'])
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import type { Clock } from '../engine/ports/clock'
import type { ModelProvider } from '../engine/ports/model'
import { llmAgent, makeEngine } from '../engine/testing/engineHarness'
import { ScriptedModel } from '../engine/testing/scriptedModel'
import { startTelemetry } from './otel'
import { otlpReceiver, spanTree, type OtlpReceiver, type ReceivedSpan } from './testing/otlpReceiver'

let receiver: OtlpReceiver | undefined
let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  await receiver?.close()
  cleanup = undefined
  receiver = undefined
})

/** The scripted model, answering with usage and cost like a priced provider. */
function pricedModel(script: ScriptedModel): ModelProvider {
  return {
    label: 'test/priced',
    async complete(req, o) {
      const r = await script.complete(req, o)
      return { ...r, model: 'test/scripted-2026-01', provider: 'test', usage: { promptTokens: 120, completionTokens: 30 }, costUsd: 0.0015 }
    },
  }
}

const one = (spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = spans.filter((s) => s.name === name)
  expect(found.map((s) => s.name), `exactly one span "${name}"`).toEqual([name])
  return found[0]!
}

describe('OpenTelemetry traces of a delegating, paying chat', () => {
  it('exports the span tree over OTLP/HTTP: turn → model calls and tool calls, delegation → child turn, tool call → ledger transfer', async () => {
    receiver = await otlpReceiver()
    const telemetry = await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'p2engine-test' })
    expect(telemetry?.url).toBe(`${receiver.endpoint}/v1/traces`)
    const script = new ScriptedModel([
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'helper', message: 'Weather in Tokyo?' } }] } },
      { lastMessage: 'Weather in Tokyo?', reply: { content: 'Tokyo: 10 °C.' } },
      { lastMessage: /Tokyo: 10/, reply: { toolCalls: [{ id: 'p1', name: 'transfer_funds', arguments: { to_agent: 'helper', amount: 5, reason: 'weather lookup' } }] } },
      { reply: { content: 'Tokyo is 10 °C; I paid helper 5.' } },
    ])
    const h = await makeEngine({ agents: [llmAgent('alpha', ['delegate', 'transfer_funds']), llmAgent('helper', ['get_weather'])], model: pricedModel(script), wallets: ['alpha', 'helper'] })
    cleanup = async () => {
      h.close()
      await telemetry?.shutdown()
    }
    const conv = h.engine.startConversation({ agentId: 'alpha', name: 'traced' })
    h.engine.send('traced', 'Ask helper for the Tokyo weather, then pay them 5.')
    await h.engine.whenIdle()
    script.assertDone()
    expect(h.errors).toEqual([])
    await telemetry!.flush()
    const spans = await receiver.until((s) => s.filter((x) => x.name.startsWith('chat ')).length === 4 && s.some((x) => x.name === 'invoke_agent alpha'))
    const root = one(spans, 'invoke_agent alpha')
    expect(root.parentSpanId).toBeUndefined()
    expect(spanTree(spans, root)).toEqual([
      'invoke_agent alpha',
      '  chat test/scripted',
      '  execute_tool delegate',
      '    delegate helper',
      '      invoke_agent helper',
      '        chat test/scripted',
      '  chat test/scripted',
      '  execute_tool transfer_funds',
      '    ledger transfer',
      '  chat test/scripted',
    ])
    // Every span of the chat is in one trace, exported by this process.
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]))
    expect(root.resource).toMatchObject({ 'service.name': 'p2engine-test', 'p2engine.process.kind': 'cli' })
    const branch = h.engine.target(conv.id, 'alpha').branch

    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'alpha', 'p2engine.conversation.id': conv.id, 'p2engine.branch.id': branch,
      'p2engine.turn.trigger': 'user', 'p2engine.turn.outcome': 'answered',
    })
    const chat = spans.find((s) => s.name.startsWith('chat ') && s.parentSpanId === root.spanId)!
    expect(chat.attributes).toEqual({
      'gen_ai.operation.name': 'chat', 'gen_ai.system': 'test', 'gen_ai.provider.name': 'test',
      'gen_ai.request.model': 'test/scripted', 'gen_ai.response.model': 'test/scripted-2026-01',
      'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30, 'p2engine.cost_usd': 0.0015,
      'p2engine.model.offline': true, 'p2engine.model.replayed': false, 'p2engine.model.latency_ms': 0,
      'p2engine.conversation.id': conv.id, 'p2engine.branch.id': branch, 'p2engine.agent.id': 'alpha',
    })
    const pay = one(spans, 'execute_tool transfer_funds')
    expect(pay.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'transfer_funds', 'gen_ai.tool.call.id': 'p1', 'p2engine.tool.status': 'ok' })
    const transfer = one(spans, 'ledger transfer')
    expect(transfer.attributes).toMatchObject({
      'p2engine.ledger.backend': 'embedded', 'p2engine.ledger.command': 'transfer', 'p2engine.ledger.from': 'alpha', 'p2engine.ledger.to': 'helper',
      'p2engine.ledger.amount': '5', 'p2engine.ledger.deduplicated': false,
    })
    expect(String(transfer.attributes['p2engine.ledger.command_id'])).not.toBe('')
    const delegation = one(spans, 'delegate helper')
    expect(delegation.attributes).toMatchObject({ 'p2engine.delegation.parent': 'alpha', 'p2engine.delegation.child': 'helper', 'p2engine.delegation.correlation_id': 'd1', 'p2engine.delegation.status': 'ok', 'p2engine.delegation.depth': 1 })
    expect(one(spans, 'invoke_agent helper').attributes).toMatchObject({ 'p2engine.turn.trigger': 'task', 'p2engine.delegation.parent': 'alpha', 'p2engine.agent.id': 'helper' })
    expect(spans.every((s) => s.ended && s.status.code !== 2)).toBe(true)
    expect((receiver.received()).rejected).toEqual([])
  })

  it('records a provider failure on the model call and the turn (status ERROR, exception event)', async () => {
    receiver = await otlpReceiver()
    const telemetry = await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint })
    const { ProviderError } = await import('../engine/errors')
    const failing: ModelProvider = { label: 'test/down', complete: async () => { throw new ProviderError('upstream said 503', 'PROVIDER_UNAVAILABLE') } }
    const h = await makeEngine({ agents: [llmAgent('alpha', [])], model: failing })
    cleanup = async () => {
      h.close()
      await telemetry?.shutdown()
    }
    h.engine.startConversation({ agentId: 'alpha', name: 'down' })
    h.engine.send('down', 'hello')
    await h.engine.whenIdle()
    await telemetry!.flush()
    const spans = await receiver.until((s) => s.some((x) => x.name === 'invoke_agent alpha'))
    const model = one(spans, 'chat test/scripted')
    expect(model.status).toEqual({ code: 2, message: 'upstream said 503' })
    expect(model.events).toEqual(['exception'])
    expect(model.attributes['error.type']).toBe('PROVIDER_UNAVAILABLE')
    const turn = one(spans, 'invoke_agent alpha')
    expect(turn.status).toEqual({ code: 2, message: 'PROVIDER_UNAVAILABLE: upstream said 503' })
    expect(model.parentSpanId).toBe(turn.spanId)
  })
  it('marks a refused payment (ledger command and tool call) and a delegation that timed out (delegation and its tool call) as failed; an unfinished turn is exported as incomplete', async () => {
    receiver = await otlpReceiver()
    const telemetry = await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint })
    let now = 1_000_000
    const timers = new Map<number, { at: number; fn: () => void }>()
    let id = 0
    const clock: Clock = { now: () => now, setTimer: (fn, ms) => { timers.set(++id, { at: now + ms, fn }); return id }, clear: (h) => void timers.delete(h as number) }
    let childCalled!: () => void
    const childAsked = new Promise<void>((r) => (childCalled = r))
    const boss = new ScriptedModel([
      { reply: { toolCalls: [{ id: 'p1', name: 'transfer_funds', arguments: { to_agent: 'slowpoke', amount: 5000, reason: 'too much' } }] } },
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'slowpoke', message: 'help' } }] } },
      { lastMessage: /did not answer within 300 s/, reply: { content: 'The helper timed out.' } },
    ])
    const h = await makeEngine({
      agents: [llmAgent('boss', ['transfer_funds', 'delegate']), llmAgent('slowpoke', [], { llm_model: 'slow/model' })],
      model: { label: 'route', complete: (req, o) => (req.model === 'slow/model' ? (childCalled(), new Promise<never>(() => {})) : boss.complete(req, o)) },
      clock, wallets: ['boss', 'slowpoke'],
    })
    cleanup = async () => {
      h.close()
      await telemetry?.shutdown()
    }
    h.engine.startConversation({ agentId: 'boss', name: 't' })
    h.engine.send('t', 'pay, then delegate')
    await childAsked
    await new Promise((r) => setTimeout(r, 10))
    now += 300_001
    for (const [k, t] of [...timers]) if (t.at <= now) { timers.delete(k); t.fn() }
    await h.engine.whenIdle(h.stacks.getConversation('t').id, 'boss')
    boss.assertDone()
    // slowpoke's turn never ended: closing the engine ends its span, shutting down exports it.
    await cleanup()
    cleanup = undefined
    const spans = await receiver.until((s) => s.some((x) => x.name === 'invoke_agent slowpoke'))
    const byName = (name: string) => one(spans, name)
    const transfer = byName('ledger transfer')
    expect([transfer.status.code, transfer.events]).toEqual([2, ['exception']])
    expect(transfer.status.message).toMatch(/5000|insufficient|balance/i)
    expect(byName('execute_tool transfer_funds').status.code).toBe(2)
    expect(byName('execute_tool transfer_funds').attributes['p2engine.tool.status']).toBe('error')
    expect(byName('delegate slowpoke').status).toEqual({ code: 2, message: 'TIMEOUT: delegation timeout' })
    expect(byName('delegate slowpoke').attributes['p2engine.delegation.status']).toBe('timeout')
    expect(byName('execute_tool delegate').status).toEqual({ code: 2, message: 'TIMEOUT: delegation timeout' })
    expect(byName('invoke_agent slowpoke').attributes).toMatchObject({ 'p2engine.incomplete': true })
    expect(byName('invoke_agent slowpoke').parentSpanId).toBe(byName('delegate slowpoke').spanId)
    expect(byName('invoke_agent boss').attributes['p2engine.turn.outcome']).toBe('answered')
  })
  it('a refused delegation (unknown agent) is a failed delegate call with no delegation span', async () => {
    receiver = await otlpReceiver()
    const telemetry = await startTelemetry('cli', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint })
    const script = new ScriptedModel([
      { reply: { toolCalls: [{ id: 'd1', name: 'delegate', arguments: { agent_id: 'nobody', message: 'x' } }] } },
      { lastMessage: /unknown agent/, reply: { content: 'Sorry.' } },
    ])
    const h = await makeEngine({ agents: [llmAgent('alpha', ['delegate'])], model: script })
    cleanup = async () => {
      h.close()
      await telemetry?.shutdown()
    }
    h.engine.startConversation({ agentId: 'alpha', name: 't' })
    h.engine.send('t', 'ask nobody')
    await h.engine.whenIdle()
    script.assertDone()
    await telemetry!.flush()
    const spans = await receiver.until((s) => s.some((x) => x.name === 'invoke_agent alpha'))
    const call = one(spans, 'execute_tool delegate')
    expect([call.status.code, call.attributes['error.type'], call.attributes['p2engine.tool.status']]).toEqual([2, 'DELEGATION_REFUSED', 'error'])
    expect(spans.filter((s) => s.name.startsWith('delegate '))).toEqual([])
  })
})

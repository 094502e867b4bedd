import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LlmAgentSchema } from '../main/engine/schema/agents'
import { systemClock } from '../main/engine/ports/clock'
import type { ModelProvider, ModelRequest, ModelResponse } from '../main/engine/ports/model'
import { DEFAULT_RUNTIME_SETTINGS } from '../main/engine/runtime/context'
import { Engine } from '../main/engine/runtime/engine'
import { AgentTemplates } from '../main/engine/templates/agentTemplates'
import { builtinRegistry } from '../main/engine/tools/builtins'
import { MemoryOverrideStore } from '../main/engine/runtime/overrides'
import { openStore } from '../main/storage/sqliteStore'
import { createStackStorage } from '../main/storage/stacks/create'
import { CONFIG_DIR } from '../main/engine/testing/engineHarness'
import type { BenchRow } from './report'

/** Zero-latency in-process model: asks for get_weather, then answers with the tool result. */
const instantModel: ModelProvider = {
  label: 'bench/instant',
  async complete(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1]!
    const message = last.role === 'tool'
      ? { content: 'It is 22 °C in Paris.', toolCalls: [] }
      : { content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' }] }
    return { message, usage: { promptTokens: 50, completionTokens: 10 }, costUsd: 0, model: req.model, provider: 'bench', latencyMs: 0, offline: true }
  },
}

/** An engine on a SQLite file with the instant model and one weather agent. */
export function makeEngine(file: string) {
  const store = openStore(file)
  const { stacks, artifacts } = createStackStorage(store)
  const engine = new Engine({
    stacks, artifacts, tools: builtinRegistry(), models: () => instantModel, templates: new AgentTemplates(CONFIG_DIR),
    agents: [LlmAgentSchema.parse({ id: 'agent', type: 'llm', llm_model: 'bench/instant', tools: ['get_weather'] })],
    overrides: new MemoryOverrideStore(), clock: systemClock, settings: DEFAULT_RUNTIME_SETTINGS,
    transaction: (fn) => store.write(fn),
  })
  return { engine, store }
}

/** Runs `n` conversations of one turn each, `concurrent` at a time; µs per turn. */
export async function turns(engine: Engine, prefix: string, n: number, concurrent: number): Promise<number> {
  let next = 0
  const t0 = process.hrtime.bigint()
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++
      const c = engine.startConversation({ agentId: 'agent', name: `${prefix}${i}` })
      engine.send(c.id, 'What is the weather in Paris?')
      await engine.whenIdle(c.id)
    }
  }
  await Promise.all(Array.from({ length: concurrent }, lane))
  return Number(process.hrtime.bigint() - t0) / 1e3 / n
}

/** Engine overhead per turn (model asks for get_weather, tool runs, model answers), every state durable in SQLite. */
export async function benchEngine(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-engine-'))
  try {
    const { engine, store } = makeEngine(join(dir, 'engine.db'))
    await turns(engine, 'warm', 300, 1)
    const seq = await turns(engine, 'seq', 2000, 1)
    const par = await turns(engine, 'par', 2000, 100)
    engine.close(); store.close()

    const mem = makeEngine(join(dir, 'mem.db'))
    global.gc?.()
    const before = process.memoryUsage().heapUsed
    const live = 1000
    await turns(mem.engine, 'live', live, 50)
    global.gc?.()
    const perConv = (process.memoryUsage().heapUsed - before) / live / 1024
    mem.engine.close(); mem.store.close()
    return [
      { name: 'engine: 1 turn, sequential', value: seq, unit: 'µs/turn', target: '≤ 70', ok: seq <= 70, note: 'WAL file; OpenAI Agents SDK ~210 µs (in memory), LangGraph.js ~1.5 ms' },
      { name: 'engine: 100 conversations at once', value: par, unit: 'µs/turn', note: `throughput ${Math.round(1e6 / par).toLocaleString('en-US')} turns/s` },
      { name: 'engine: heap per live conversation', value: perConv, unit: 'KB', target: '≤ 40', ok: perConv <= 40, note: global.gc ? 'after gc' : 'run with --expose-gc for a stable figure' },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

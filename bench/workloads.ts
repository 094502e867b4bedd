import { LlmAgentSchema } from '../main/engine/schema/agents'
import { systemClock } from '../main/engine/ports/clock'
import type { ModelProvider, ModelRequest, ModelResponse } from '../main/engine/ports/model'
import { DEFAULT_RUNTIME_SETTINGS } from '../main/engine/runtime/context'
import { Engine } from '../main/engine/runtime/engine'
import { AgentTemplates } from '../main/engine/templates/agentTemplates'
import { builtinRegistry } from '../main/engine/tools/builtins'
import { MemoryOverrideStore } from '../main/engine/runtime/overrides'
import { GroupCommit } from '../main/storage/groupCommit'
import { openStore } from '../main/storage/sqliteStore'
import { createStackStorage } from '../main/storage/stacks/create'
import { CONFIG_DIR } from '../main/engine/testing/engineHarness'
import { instrument, type StoreCounter } from './counters'

const reply = (req: ModelRequest, message: ModelResponse['message']): ModelResponse =>
  ({ message, usage: { promptTokens: 50, completionTokens: 10 }, costUsd: 0, model: req.model, provider: 'bench', latencyMs: 0, offline: true })

/** Zero-latency in-process model: asks for get_weather, then answers with the tool result. */
export const instantModel: ModelProvider = {
  label: 'bench/instant',
  async complete(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1]!
    return reply(req, last.role === 'tool'
      ? { content: 'It is 22 °C in Paris.', toolCalls: [] }
      : { content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' }] })
  },
}

/** The parent of workload C: delegates the question to `agent`, then answers with the child's answer. */
const parentModel: ModelProvider = {
  label: 'bench/parent',
  async complete(req: ModelRequest): Promise<ModelResponse> {
    const last = req.messages[req.messages.length - 1]!
    return reply(req, last.role === 'tool'
      ? { content: 'My helper says it is 22 °C in Paris.', toolCalls: [] }
      : { content: '', toolCalls: [{ id: 'call_d', name: 'delegate', arguments: '{"agent_id":"agent","message":"What is the weather in Paris?"}' }] })
  },
}

export interface BenchEngine {
  engine: Engine
  close(): void
  /** Present when built with `counted: true`. */
  counter?: StoreCounter
}

/**
 * An engine on a SQLite file with the scripted models: `agent` (get_weather) and `parent`
 * (delegates to `agent`). `model` replaces the weather agent's model (e.g. one that blocks).
 */
export function makeEngine(file: string, options: { counted?: boolean; model?: ModelProvider } = {}): BenchEngine {
  // The counters measure WAL growth with checkpoints off: no checkpoint thread may reset the WAL under them.
  const store = openStore(file, options.counted ? { backgroundCheckpoints: false } : {})
  const counter = options.counted ? instrument(store.db, file) : undefined
  const { stacks, artifacts } = createStackStorage(store)
  const weather = options.model ?? instantModel
  const engine = new Engine({
    stacks, artifacts, tools: builtinRegistry(), templates: new AgentTemplates(CONFIG_DIR),
    models: (id) => (id === 'bench/parent' ? parentModel : weather),
    agents: [
      LlmAgentSchema.parse({ id: 'agent', type: 'llm', llm_model: 'bench/instant', tools: ['get_weather'] }),
      LlmAgentSchema.parse({ id: 'parent', type: 'llm', llm_model: 'bench/parent', tools: ['delegate'] }),
    ],
    overrides: new MemoryOverrideStore(), clock: systemClock, settings: DEFAULT_RUNTIME_SETTINGS,
    transaction: (fn) => store.write(fn),
    ...(process.env.BENCH_NO_GROUP ? {} : { groupCommit: new GroupCommit(store) }),
  })
  return { engine, counter, close: () => { engine.close(); store.close() } }
}

/** Runs `n` conversations of one turn each with `agentId` as root, `concurrent` at a time; µs per conversation. */
export async function turns(engine: Engine, prefix: string, n: number, concurrent: number, agentId = 'agent'): Promise<number> {
  let next = 0
  const t0 = process.hrtime.bigint()
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++
      const c = engine.startConversation({ agentId, name: `${prefix}${i}` })
      engine.send(c.id, 'What is the weather in Paris?')
      await engine.whenIdle(c.id)
    }
  }
  await Promise.all(Array.from({ length: concurrent }, lane))
  return Number(process.hrtime.bigint() - t0) / 1e3 / n
}

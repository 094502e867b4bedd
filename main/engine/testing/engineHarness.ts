import { fileURLToPath } from 'node:url'
import type { AgentDefinition } from '../config/types'
import { LlmAgentSchema } from '../schema/agents'
import type { ModelProvider } from '../ports/model'
import { DEFAULT_RUNTIME_SETTINGS, type RuntimeSettings } from '../runtime/context'
import { Engine } from '../runtime/engine'
import { MemoryOverrideStore } from '../runtime/overrides'
import { AgentTemplates } from '../templates/agentTemplates'
import { builtinRegistry } from '../tools/builtins'
import { MemoryToolCache } from '../tools/cache'
import { MemoryDedupSeenSet } from '../tools/dedup'
import type { Tool } from '../tools/types'
import { systemClock, type Clock } from '../ports/clock'
import { openStore } from '../../storage/sqliteStore'
import { createStackStorage } from '../../storage/stacks/create'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'

/** The shipped config folder (templates). */
export const CONFIG_DIR = fileURLToPath(new URL('../../../config', import.meta.url))

/** An LLM agent definition with the schema's defaults. */
export const llmAgent = (id: string, tools: string[], extra: Partial<Extract<AgentDefinition, { type: 'llm' }>> = {}): AgentDefinition =>
  LlmAgentSchema.parse({ id, type: 'llm', llm_model: 'test/scripted', tools, ...extra })

export interface HarnessOptions {
  agents: AgentDefinition[]
  model: ModelProvider
  settings?: Partial<RuntimeSettings>
  clock?: Clock
  extraTools?: Tool[]
  /** Wallets created before the run, each with this balance. */
  wallets?: string[]
}

/** An engine on an in-memory store with the embedded ledger and the real templates and tools. */
export async function makeEngine(o: HarnessOptions) {
  const store = openStore(':memory:')
  const { stacks, artifacts } = createStackStorage(store)
  const ledger = new EmbeddedLedger(store, { party: 'p2engine::test' })
  for (const agent of o.wallets ?? []) await ledger.createWallet({ agent, initialBalance: '100' })
  const engine = new Engine({
    stacks,
    artifacts,
    tools: builtinRegistry(o.extraTools ?? []),
    models: () => o.model,
    templates: new AgentTemplates(CONFIG_DIR),
    agents: o.agents,
    overrides: new MemoryOverrideStore(),
    ledger,
    clock: o.clock ?? systemClock,
    settings: { ...DEFAULT_RUNTIME_SETTINGS, ...o.settings },
    cache: new MemoryToolCache(),
    dedupSeen: new MemoryDedupSeenSet(),
    transaction: (fn) => store.write(fn),
  })
  const errors: unknown[] = []
  engine.events.on('error', (e) => errors.push(e.error))
  /** Kinds on an agent's checked-out branch, oldest first. */
  const kinds = (conv: string, agent: string): string[] => {
    const at = engine.target(conv, agent)
    return stacks.read(at.conversationId, at.agentId, at.branch).map((e) => e.state.kind)
  }
  return { engine, store, stacks, artifacts, ledger, errors, kinds, close: () => { engine.close(); store.close() } }
}

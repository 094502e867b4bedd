import type { LoadedConfig } from '../engine/config/types'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore } from '../storage/sqliteStore'
import type { AppServices } from './services'
import { composeEngine } from '../compose/engine'
import { ScriptedLocalProvider } from '../engine/models/scriptedProvider'
import { CONFIG_DIR, llmAgent } from '../engine/testing/engineHarness'
import { SettingsService } from '../app/settings/settingsService'
import { MemoryVault } from '../app/settings/vault'
import type { PoolFactory } from '../app/rollouts/rolloutService'
import type { VariantMetrics } from '../engine/rollouts/types'
import { variantConversationId } from '../engine/rollouts/types'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import type { SqliteStore } from '../storage/sqliteStore'

/** Test config: no files read, home in a fake folder. */
export const testConfig = (home = '/tmp/p2engine-test-home'): LoadedConfig => ({
  configDir: '/tmp/p2engine-test-config',
  agents: [],
  settings: {
    home,
    ledger: { backend: 'embedded', partyId: 'p2engine::test', initialBalance: '100.0', jsonApiUrl: 'http://127.0.0.1:7575', enabled: true },
    llm: { apiBase: 'http://127.0.0.1:1/v1', defaultModel: 'test/model', concurrency: '4' },
    poolSize: 4,
    dedupPolicy: 'none',
    logLevel: 'INFO',
  },
  sources: {},
})

/** Agents of the test engine: alpha has the weather, delegation and payment tools. */
export const testAgents = () => [
  llmAgent('agent_alpha', ['get_weather', 'delegate', 'check_balance', 'transfer_funds'], { llm_model: 'openai/gpt-4o' }),
  llmAgent('agent_beta', ['check_balance', 'transaction_history'], { llm_model: 'openai/gpt-4o' }),
  llmAgent('agent_helper', ['get_weather'], { llm_model: 'openai/gpt-4o' }),
  { id: 'human', type: 'human_in_loop' as const, callback_url: null },
]

/**
 * Services over an in-memory store with two funded wallets (agent_alpha, agent_beta: 100 each),
 * a pinned ledger clock, and the engine on the same store answered by the offline scripted model
 * (real templates and tools). Settings live in `settingsHome` (none: a service is not built).
 */
export async function makeTestServices(host: 'electron' | 'browser' = 'browser', settingsHome?: string): Promise<AppServices & { close(): Promise<void> }> {
  const store = openStore(':memory:')
  const ledger = new EmbeddedLedger(store, { party: 'p2engine::test', now: () => 1_700_000_000 })
  for (const agent of ['agent_alpha', 'agent_beta']) await ledger.createWallet({ agent, initialBalance: '100.0', commandId: `init:${agent}` })
  const config = testConfig(settingsHome)
  const engine = composeEngine({ store, ledger, config: { ...config, configDir: CONFIG_DIR, agents: testAgents() }, model: new ScriptedLocalProvider('test') })
  return {
    config,
    ledger,
    engine,
    store,
    ...(settingsHome ? { settings: new SettingsService(config, new MemoryVault(), async () => false) } : {}),
    app: { name: 'P2Engine', version: '0.0.0-test', host },
    async close() {
      engine.close()
      await ledger.close()
      store.close()
    },
  }
}

/** Metrics of a finished variant as the worker stores them (offline scripted answers). */
export const sampleMetrics = (conversationId: string, score: number): VariantMetrics => ({
  conversationId, agentId: 'agent_alpha', answer: 'It is sunny in Tokyo.', answerRef: null,
  scores: [{ evaluator: 'gpt4_judge', version: '0.4', metric: 'score', score, metrics: { score }, offline: true, comment: 'offline' }],
  score,
  usage: { calls: 1, promptTokens: 100, completionTokens: 20, totalTokens: 120, costUsd: 0.0012, modelMs: 40, offline: true },
  judgeUsage: { calls: 1, promptTokens: 50, completionTokens: 10, totalTokens: 60, costUsd: 0.0001, modelMs: 5, offline: true },
  wallMs: 250, toolCalls: 1, toolErrors: 0, errors: [],
  ledger: { agent: 'agent_alpha', finalBalance: '100.0', netFlow: '0.00', transfers: [], walletChanges: {} },
})

/** A variant pool that finishes each variant at once with {@link sampleMetrics} (score 0.5 + 0.1 × position). */
export const instantPool = (store: SqliteStore): PoolFactory => () => {
  const repo = new SqliteRolloutStore(store)
  return {
    async run(task) {
      const conversationId = variantConversationId(task.rolloutId, task.team, task.variantId)
      repo.markRunning(task.rolloutId, task.team, task.variantId, conversationId)
      const v = repo.variant(task.rolloutId, task.team, task.variantId)
      repo.markDone(task.rolloutId, task.team, task.variantId, sampleMetrics(conversationId, 0.5 + 0.1 * v.position))
      return { status: 'done' as const }
    },
    close: async () => {},
  }
}

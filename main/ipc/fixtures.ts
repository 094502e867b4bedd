import type { LoadedConfig } from '../engine/config/types'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore } from '../storage/sqliteStore'
import type { AppServices } from './services'

/** Test config: no files read, home in a fake folder. */
export const testConfig = (home = '/tmp/p2engine-test-home'): LoadedConfig => ({
  configDir: '/tmp/p2engine-test-config',
  agents: [],
  settings: {
    home,
    ledger: { backend: 'embedded', partyId: 'p2engine::test', initialBalance: '100.0', jsonApiUrl: 'http://127.0.0.1:7575', enabled: true },
    llm: { apiBase: 'http://127.0.0.1:1/v1', defaultModel: 'test/model' },
    dedupPolicy: 'none',
    logLevel: 'INFO',
  },
  sources: {},
})

/**
 * Services over an in-memory store with two funded wallets (agent_alpha, agent_beta: 100 each)
 * and a pinned clock. For tests of handlers and transports.
 */
export async function makeTestServices(host: 'electron' | 'browser' = 'browser'): Promise<AppServices & { close(): Promise<void> }> {
  const store = openStore(':memory:')
  const ledger = new EmbeddedLedger(store, { party: 'p2engine::test', now: () => 1_700_000_000 })
  for (const agent of ['agent_alpha', 'agent_beta']) await ledger.createWallet({ agent, initialBalance: '100.0', commandId: `init:${agent}` })
  return {
    config: testConfig(),
    ledger,
    app: { name: 'P2Engine', version: '0.0.0-test', host },
    async close() {
      await ledger.close()
      store.close()
    },
  }
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../workers/runVariant'
import { RolloutService } from '../app/rollouts/rolloutService'
import { loadConfig } from '../engine/config/load'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore } from '../storage/sqliteStore'
import { EventBus } from './eventBus'
import { ledgerHandlers } from './ledger'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

describe('LEDGER_ENABLED=false in the app host', () => {
  it('ledger:status says disabled; a rollout runs without wallets, transfers or ledger figures and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-ipc-off-'))
    const store = openStore(join(dir, 'p2engine.db'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => store.close(), closeThreadContexts)
    const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '', LEDGER_ENABLED: 'false' }
    const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
    const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
    const services = { config, ledger, app: { name: 'P2Engine', version: '0', host: 'browser' as const } }
    expect(await ledgerHandlers(services as never, new EventBus())['ledger:status']({} as never)).toMatchObject({ backend: 'embedded', enabled: false })

    const service = new RolloutService({
      config, store, ledger, env, toolNames: () => builtinRegistry([], { ledger: false }).names(), publish: () => {},
      pool: () => ({ run: (task) => runVariant(task), close: async () => {} }),
    })
    cleanups.push(() => service.close())
    const started = await service.start({ path: join(CONFIG_DIR, 'rollout_task_with_payment.yml'), parallel: 1 })
    await service.whenIdle()
    const d = service.get(started.id)
    expect([d.status, d.ledgerEnabled, d.ledgerBefore, d.ledgerAfter, d.ledgerFlows]).toEqual(['done', false, null, null, { transfers: 0, volume: '0.00', agents: [] }])
    expect(d.variants.map((v) => v.metrics?.ledger ?? null)).toEqual([null, null])
    expect(await ledger.listWallets()).toEqual([])
  })
})

// Test kit for the rollouts handlers (imported only by *.test.ts): a temp home with the shipped
// config, a RolloutService whose variants run inline (the piscina worker's code, offline scripted
// model), and the `rollouts:*` handlers on a MapTransport.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import runVariant, { closeThreadContexts } from '../../workers/runVariant'
import { contract, type Envelope, type EventPayload, type InvokeChannel, type InvokeInput, type InvokeOutput } from '../../preload/contract'
import { RolloutService } from '../app/rollouts/rolloutService'
import { loadConfig } from '../engine/config/load'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore } from '../storage/sqliteStore'
import { EventBus } from './eventBus'
import { rolloutsHandlers } from './rollouts'
import { MapTransport, registerHandlers } from './register'

/** A typed call through the transport. */
export const typed = (t: MapTransport) => <C extends InvokeChannel>(c: C, input: InvokeInput<C>) => t.invoke(c, input) as Promise<Envelope<InvokeOutput<C>>>

/** Everything a rollouts handler test needs; `close()` stops the service and deletes the home. */
export function rolloutsHarness() {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-ipc-ro-'))
  const store = openStore(join(dir, 'p2engine.db'))
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '' }
  const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const bus = new EventBus()
  const progress: EventPayload<'rollouts:progressed'>[] = []
  bus.on('rollouts:progressed', (p) => progress.push(p))
  const service = new RolloutService({
    config, store, ledger, env, toolNames: () => builtinRegistry().names(),
    publish: (p) => void bus.publish('rollouts:progressed', p),
    pool: () => ({ run: (task) => runVariant(task), close: async () => {} }),
  })
  const transport = new MapTransport()
  const handlers = rolloutsHandlers({ config, ledger, rollouts: service, app: { name: 'P2Engine', version: '0', host: 'browser' } }, bus)
  registerHandlers({ invokes: Object.fromEntries(Object.entries(contract.invokes).filter(([k]) => k.startsWith('rollouts:'))), events: contract.events } as never, handlers, transport)
  const close = async () => {
    await service.close()
    await closeThreadContexts()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { dir, store, ledger, service, transport, progress, close }
}

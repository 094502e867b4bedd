import { composeEngine } from '../compose/engine'
import { loadHostTools } from '../compose/customTools'
import { forwardEngineEvents } from '../ipc/engineEvents'
import type { EventBus } from '../ipc/eventBus'
import type { AppServices } from '../ipc/services'
import { applySavedSettings, readSavedSettings, SettingsService } from '../app/settings/settingsService'
import { MemoryVault } from '../app/settings/vault'
import { createConfiguredWallets } from '../app/firstStart'
import type { SqliteStore } from '../storage/sqliteStore'
import { openHomeStore } from '../storage/homeStore'

/** Services with an engine, and how to stop what this module started. */
export interface HostedEngine {
  services: AppServices
  /** Stops what this host built: rollouts (resumable), its own Canton sandbox, engine and store. */
  close(): Promise<void>
}

/**
 * Makes sure the browser host has an engine. When the caller passed none (`p2engine ui`), one is
 * composed on the home's database (its own connection; SQLite WAL serialises writers) with the
 * saved settings applied, and resumed so interrupted conversations continue. Keys stay in memory:
 * a browser host has no OS keychain. Engine events are forwarded to the bus either way, and a
 * ledger without wallets gets the configured ones (unless the caller already started that).
 */
export function hostEngine(services: AppServices, bus: EventBus): HostedEngine {
  let store: SqliteStore | undefined
  let engine = services.engine
  let settings = services.settings
  let config = services.config
  if (!engine) {
    config = applySavedSettings(services.config, readSavedSettings(services.config.settings.home), undefined)
    const opened = openHomeStore(config.settings.home)
    store = opened.store
    if (opened.notes.length) config = { ...config, warnings: [...(config.warnings ?? []), ...opened.notes] }
    try {
      // The config was checked against these tool names by whoever loaded it (the CLI context).
      engine = composeEngine({ store, config, ledger: services.ledger, toolSources: loadHostTools(config.configDir).sources })
    } catch (err) {
      store.close()
      throw err
    }
    settings ??= new SettingsService(config, new MemoryVault())
    engine.resume()
  }
  const stop = forwardEngineEvents(engine, bus)
  const owned = store
  const ownedEngine = owned ? engine : undefined
  // `p2engine ui` is a desktop user's first start too: a fresh ledger gets the configured wallets.
  const firstStart = services.firstStart ?? createConfiguredWallets(services.ledger, config)
  const hosted: AppServices = { ...services, config, engine, firstStart, settings: settings ?? new SettingsService(config, new MemoryVault()), ...(store ? { store } : {}) }
  return {
    services: hosted,
    async close() {
      await firstStart
      stop()
      // Services the handlers built lazily belong to this host; the caller's are closed by the caller.
      if (hosted.rollouts && hosted.rollouts !== services.rollouts) await hosted.rollouts.close()
      if (hosted.canton && hosted.canton !== services.canton) await hosted.canton.close()
      ownedEngine?.close()
      owned?.close()
    },
  }
}

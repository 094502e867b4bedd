import { loadConfig, resolveConfigDir } from '../engine/config/load'
import { loadHostTools } from '../compose/customTools'
import { knownToolNames } from '../engine/tools/registry'
import { ToolReloader } from './toolReloader'
import type { LoadedConfig } from '../engine/config/types'
import { UserInputError } from '../engine/errors'
import type { LedgerClient } from '../engine/ports/ledger'
import { EventBus } from '../ipc/eventBus'
import { forwardEngineEvents } from '../ipc/engineEvents'
import { composeEngine } from '../compose/engine'
import type { ModelProvider } from '../engine/ports/model'
import type { Engine } from '../engine/runtime/engine'
import { applySavedSettings, OPENAI_KEY, readSavedSettings, SettingsService } from './settings/settingsService'
import { MemoryVault, type SecretVault } from './settings/vault'
import { cantonLedgerFromSettings } from '../ledger/canton/fromSettings'
import { bundledResourcesPath, discoverCanton } from '../ledger/canton/sandbox/discover'
import { isAlive, readState } from '../ledger/canton/sandbox/state'
import { CantonService } from './canton/cantonService'
import { reboundLedger, type ReboundLedger } from './canton/reboundLedger'
import { RolloutService } from './rollouts/rolloutService'
import { createConfiguredWallets } from './firstStart'
import type { AppServices } from '../ipc/services'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import type { SqliteStore } from '../storage/sqliteStore'
import { openHomeStore } from '../storage/homeStore'
import pkg from '../../package.json'
import { startHostLogging } from '../logging/hostLogging'
import { errorFields } from '../compose/logging'
import { appLiveEvents } from './liveEvents'

/** Product name and version shown by `app:info`. */
export const APP_NAME = 'P2Engine'
export const APP_VERSION: string = pkg.version

export interface BootstrapOptions {
  host: 'electron' | 'browser'
  /** Config folder; else P2ENGINE_CONFIG_DIR; else ./config. */
  configDir?: string
  /** Overrides P2ENGINE_HOME. */
  home?: string
  env?: NodeJS.ProcessEnv
  /** Where API keys live, given the home folder (Electron: safeStorage). Default: memory. */
  vault?: (home: string) => SecretVault
  /** Replaces the model router (tests). */
  model?: ModelProvider
  /** Folders searched for the built Daml model (besides the working directory and P2ENGINE_DAR). */
  darRoots?: string[]
  /** With the canton backend, start the app's own sandbox at launch (default true). */
  autoStartCanton?: boolean
  /** Watch `config/tools/` and reload changed tool files without a restart (default true). */
  watchTools?: boolean
  /** Quiet time before a tool reload (default 150 ms; tests shorten it). */
  toolReloadDebounceMs?: number
}

/** Everything the desktop app runs on, plus the one way to shut it down. */
export interface AppRuntime {
  services: AppServices
  bus: EventBus
  store: SqliteStore
  engine: Engine
  /** Stops rollouts and the engine (both stay resumable), the owned Canton sandbox, the ledger and the store; safe to call twice. */
  close(): Promise<void>
}

/**
 * The desktop app's composition root (the CLI has its own in `main/cli/context.ts`): loads the
 * config, opens the store and builds the ledger. Only this file and the CLI build concrete ports.
 */
export function bootstrap(options: BootstrapOptions): AppRuntime {
  const env = options.env ?? process.env
  // Custom tools first: agents.yml may name them. Tool log lines go to the app log once it exists.
  let log: ReturnType<typeof startHostLogging>['logger'] | undefined
  const tools = loadHostTools(resolveConfigDir(options.configDir, env), { logger: () => log! })
  const loaded: LoadedConfig = loadConfig({ configDir: options.configDir, env, flags: { P2ENGINE_HOME: options.home }, tools: tools.names })
  const vault = options.vault?.(loaded.settings.home) ?? new MemoryVault()
  // Saved settings (Settings screen) and a stored key apply over the config files.
  const applied = applySavedSettings(loaded, readSavedSettings(loaded.settings.home), vault.get(OPENAI_KEY))
  // Other users must not read conversations and the ledger: a loose state folder is tightened, and said so.
  const { store, notes } = openHomeStore(applied.settings.home)
  const config: LoadedConfig = notes.length ? { ...applied, warnings: [...(applied.warnings ?? []), ...notes] } : applied
  const logging = startHostLogging({ config, env, proc: 'app', version: APP_VERSION })
  log = logging.logger
  for (const problem of tools.problems) log.warn('custom tool not loaded', { component: 'tools', problem })
  let ledger: LedgerClient
  let engine: Engine
  try {
    ledger = buildLedger(config, store, env)
    engine = composeEngine({
      store, config, ledger, logger: log, toolSources: tools.sources, ...(options.model ? { model: options.model } : {}),
      // An MCP server that does not start: logged, and listed with the config warnings `app:info` returns.
      onToolProblem: (m) => void (config.warnings = [...(config.warnings ?? []), m]),
    })
  } catch (err) {
    store.close()
    log.fatal('start failed', errorFields(err))
    void logging.close()
    throw err
  }
  // A desktop user has no terminal: a fresh ledger gets the configured wallets here, not via the CLI.
  const firstStart = createConfiguredWallets(ledger, config)
  const bus = new EventBus()
  const stopEvents = forwardEngineEvents(engine, bus)
  // A changed tool file is reloaded without a restart; problems show in the configuration notice.
  const reloader = new ToolReloader({
    configDir: config.configDir, registry: engine.deps.tools, initialProblems: tools.problems, logger: log.child({ component: 'tools' }),
    ...(options.toolReloadDebounceMs !== undefined ? { debounceMs: options.toolReloadDebounceMs } : {}),
    onReload: (status) => void bus.publish('app:toolsReloaded', status),
  })
  if (options.watchTools ?? true) reloader.start()
  // Conversations interrupted by a quit or crash continue from their stored entries.
  engine.resume()
  const settings = new SettingsService(config, vault)
  // With Redis configured, rollout, chat and ledger events are shared with other processes.
  const live = appLiveEvents(bus, settings, config, env, (m) => log.warn(m, { component: 'events' }))
  const rollouts = new RolloutService({
    config, store, ledger, env, logging, toolNames: () => knownToolNames(engine.deps.tools),
    publish: (p) => void bus.publish('rollouts:progressed', p), log: (m) => log.warn(m, { component: 'rollouts' }),
  })
  const rebound = 'rebind' in ledger ? (ledger as ReboundLedger) : undefined
  const canton = new CantonService({
    config, env, darRoots: [process.cwd(), ...(options.darRoots ?? [])], sandboxLog: logging.sandboxLog(),
    savedBackend: () => settings.view().ledgerBackend,
    onStatus: (s) => void bus.publish('canton:statusChanged', s),
    onLog: (lines) => void bus.publish('canton:logged', { lines }),
    onInstallProgress: (st) => void bus.publish('canton:installProgress', st),
    resourcesPath: bundledResourcesPath(),
    // The sandbox comes up on fresh ports: the engine's ledger follows it.
    onReady: async (state) => { await rebound?.rebind(cantonLedgerFromSettings(config.settings, env, state.jsonApiUrl)) },
  })
  if (rebound && (options.autoStartCanton ?? true) && discoverCanton(env, { home: config.settings.home, resourcesPath: bundledResourcesPath() }) && !runningSandbox(config.settings.home)) {
    canton.start().catch((err) => {
      console.error(`Canton sandbox did not start: ${err instanceof Error ? err.message : String(err)}`)
      log.error('Canton sandbox did not start', { component: 'canton', ...errorFields(err) })
    })
  }
  let closed = false
  return {
    services: { config, ledger, engine, settings, store, env, rollouts, canton, firstStart, logging, toolProblems: () => reloader.problems(), app: { name: APP_NAME, version: APP_VERSION, host: options.host } },
    bus,
    store,
    engine,
    async close() {
      if (closed) return
      closed = true
      reloader.close()
      await firstStart
      stopEvents()
      await live.close()
      await rollouts.close()
      engine.close()
      await engine.deps.tools.close() // MCP server processes
      await canton.close()
      await ledger.close()
      store.close()
      log.info('process stopping')
      await logging.close()
    },
  }
}

const runningSandbox = (home: string): boolean => {
  const s = readState(home)
  return Boolean(s && isAlive(s.pid))
}

/** Same choice as the CLI context: the embedded ledger by default, Canton when configured. */
function buildLedger(config: LoadedConfig, store: SqliteStore, env: NodeJS.ProcessEnv): LedgerClient {
  const { ledger } = config.settings
  if (ledger.backend === 'canton') return reboundLedger(cantonLedgerFromSettings(config.settings, env))
  if (ledger.backend !== 'embedded') {
    throw new UserInputError(`ledger backend "${ledger.backend}" is not available in this build; use "embedded" or "canton"`, 'LEDGER_BACKEND')
  }
  return new EmbeddedLedger(store, { party: ledger.partyId })
}

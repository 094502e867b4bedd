import { statSync } from 'node:fs'
import { loadConfig, resolveConfigDir } from '../engine/config/load'
import { loadHostTools, type HostTools } from '../compose/customTools'
import { toolNameCache } from '../compose/toolNameCache'
import { parsedYamlCache } from '../compose/parsedYamlCache'
import type { LoadedConfig } from '../engine/config/types'
import type { LedgerClient } from '../engine/ports/ledger'
import { homePaths } from '../engine/paths'
import type { SqliteStore } from '../storage/sqliteStore'
import { processOutput, type Output } from './output'
import { UserInputError } from '../engine/errors'
import type { Engine } from '../engine/runtime/engine'
import { warnOnce } from './warnOnce'
import { ledgerDisabledNote } from '../engine/ledger/enabled'
import type { Logger } from '../engine/ports/logger'
import type { ProcessLogging } from '../logging/processLogging'
import type { ContextServices } from './services/load'
import type { StateServices } from './services/state'
import type { EngineServices } from './services/engine'
import { APP_VERSION } from './version'
import { cliLive, type CliLive } from './liveCli'

/**
 * Fails with a {@link UserInputError} naming `source` when the state folder `home` exists but is
 * not a folder (`--home /etc/passwd`); a missing folder is fine (it is created on first use).
 */
export function checkHome(home: string, source: string): void {
  let st
  try {
    st = statSync(home)
  } catch {
    return
  }
  if (!st.isDirectory()) throw new UserInputError(`${source} "${home}" is a file, not a folder; expected the folder for P2Engine's state (database, logs, artifacts)`, 'HOME_NOT_A_FOLDER')
}

/** Global options every command sees. */
export interface GlobalOptions {
  config?: string
  home?: string
  ledgerBackend?: string
  /** Answer model calls only from recordings (no network). */
  replay?: boolean
}

/**
 * The CLI's composition root: builds config, store and ledger on first use, closes them at the
 * end. The heavy parts (store, ledger, logs, engine) come from `services`, which the program
 * imports only for commands that use them (see `CliContext` in `./context` for all of them).
 */
export class CliContextBase {
  private cfg?: LoadedConfig
  private hostTools?: HostTools
  private storeInstance?: SqliteStore
  private ledgerInstance?: LedgerClient
  private engineInstance?: Engine
  private loggingInstance?: ProcessLogging
  /** Set by a command that finished but must report failure (e.g. an audit violation). */
  exitCode = 0
  /** Set by a command that shares events through its own bus (`ui`): the context then publishes none. */
  hostsEventBus = false
  private liveInstance?: CliLive | null

  constructor(
    readonly globals: GlobalOptions,
    readonly io: Output = processOutput,
    readonly env: NodeJS.ProcessEnv = process.env,
    private readonly services: ContextServices = {},
  ) {}

  /** The store/ledger/log modules; a command group that did not declare `state` has none (a bug). */
  private get state(): StateServices {
    if (!this.services.state) throw new Error('internal error: this command uses the store but its command group does not declare it (needs: "state")')
    return this.services.state
  }

  /** The engine module; a command group that did not declare `engine` has none (a bug). */
  private get engineModule(): EngineServices {
    if (!this.services.engine) throw new Error('internal error: this command uses the engine but its command group does not declare it (needs: "engine")')
    return this.services.engine
  }

  /**
   * The custom tools of `config/tools/` (loaded before the config, whose agents may name them).
   * A broken tool file is a warning here; `config validate` reports it as an error.
   */
  get customTools(): HostTools {
    if (!this.hostTools) {
      const configDir = resolveConfigDir(this.globals.config, this.env)
      // Set by bin/p2engine.cjs for the bundled CLI: custom tool names are remembered between runs.
      const cacheDir = (globalThis as { __p2engineCacheDir?: string }).__p2engineCacheDir
      this.hostTools = loadHostTools(configDir, { logger: () => this.logger, ...(cacheDir ? { names: toolNameCache(cacheDir, configDir) } : {}) })
      warnOnce(this.env, this.io, this.hostTools.problems)
    }
    return this.hostTools
  }

  get config(): LoadedConfig {
    if (!this.cfg) {
      // Set by bin/p2engine.cjs for the bundled CLI: parsed YAML is remembered between runs.
      const cacheDir = (globalThis as { __p2engineCacheDir?: string }).__p2engineCacheDir
      this.cfg = loadConfig({
        configDir: this.globals.config,
        env: this.env,
        flags: { P2ENGINE_HOME: this.globals.home, LEDGER_BACKEND: this.globals.ledgerBackend },
        tools: this.customTools.names,
        ...(cacheDir ? { yamlCache: parsedYamlCache(cacheDir) } : {}),
      })
      warnOnce(this.env, this.io, this.cfg.warnings)
      checkHome(this.cfg.settings.home, this.globals.home !== undefined ? '--home' : this.env.P2ENGINE_HOME ? 'P2ENGINE_HOME' : 'the default state folder')
    }
    return this.cfg
  }

  /** This command's log (`logs/app.log`), started on first use: by any command that touches state. */
  get logging(): ProcessLogging {
    this.loggingInstance ??= this.state.startHostLogging({ config: this.config, env: this.env, proc: 'cli', version: APP_VERSION })
    return this.loggingInstance
  }

  /** This command's logger (see {@link logging}). */
  get logger(): Logger {
    return this.logging.logger
  }

  get store(): SqliteStore {
    if (!this.storeInstance) {
      this.secureHome()
      void this.logger
      const store = this.state.openStore(homePaths(this.config.settings.home).database, { onUpgrade: (u) => this.io.err(`ℹ️  ${this.state.upgradeNote(u)}`) })
      if (store.readOnly) this.io.err(`ℹ️  ${this.state.readOnlyNote(store.location)}`)
      this.storeInstance = store
    }
    return this.storeInstance
  }

  /** Takes group/other access away from the state folder and its files (one note when it did). */
  secureHome(): void {
    const home = this.config.settings.home
    const note = this.state.tightenedNote(home, this.state.tightenHome(home))
    if (note) this.io.err(`ℹ️  ${note}`)
  }

  get ledger(): LedgerClient {
    if (!this.ledgerInstance) {
      this.noteLedgerDisabled()
      const { ledger } = this.config.settings
      let client: LedgerClient
      if (ledger.backend === 'canton') client = this.state.cantonLedgerFromSettings(this.config.settings, this.env)
      else if (ledger.backend !== 'embedded') {
        throw new UserInputError(`ledger backend "${ledger.backend}" is not available in this build; use "embedded" or "canton"`, 'LEDGER_BACKEND')
      } else client = new this.state.EmbeddedLedger(this.store, { party: ledger.partyId })
      this.ledgerInstance = this.state.loggedLedger(client, this.logger.child({ component: 'ledger' }))
      const live = this.live
      if (live) this.ledgerInstance = live.ledger(this.ledgerInstance)
    }
    return this.ledgerInstance
  }

  /** The engine on this context's store and ledger (built on first use). */
  get engine(): Engine {
    if (!this.engineInstance) this.noteLedgerDisabled()
    this.engineInstance ??= this.engineModule.composeEngine({
      store: this.store,
      config: this.config,
      ...(this.config.settings.ledger.enabled ? { ledger: this.ledger } : {}),
      logger: this.logger,
      modelMode: this.globals.replay ? 'replay' : 'record',
      toolSources: this.customTools.sources,
      env: this.env,
      onToolProblem: (m) => this.io.err(`⚠️  ${m}`),
    })
    if (!this.engineForwarded) this.live?.engine(this.engineInstance)
    this.engineForwarded = true
    return this.engineInstance
  }

  private engineForwarded = false

  /** With Redis configured: shares this command's transfers and chat events (issue 14); see `liveCli.ts`. */
  private get live(): CliLive | undefined {
    if (this.liveInstance === undefined) this.liveInstance = this.hostsEventBus ? null : (cliLive(this.config, this.env, (m) => this.io.err(`warning: ${m}`)) ?? null)
    return this.liveInstance ?? undefined
  }

  private ledgerNoted = false

  /** One stderr line per command when the ledger is disabled (stdout stays clean for --json). */
  noteLedgerDisabled(): void {
    const note = ledgerDisabledNote(this.config)
    if (!note || this.ledgerNoted) return
    this.ledgerNoted = true
    this.io.err(`ℹ️  ${note}`)
  }

  /** Logs a command's failure with its error code, when this command logs at all (it touched state). */
  logFailure(err: unknown): void {
    this.loggingInstance?.logger.error('command failed', this.state.errorFields(err))
  }

  async close(): Promise<void> {
    // ARTIFACT_DRIVER=s3: let this command's uploads finish before the store closes.
    if (this.engineInstance) await this.engineModule.flushPayloads(this.storeInstance)
    this.engineInstance?.close()
    // MCP server processes stop with the command.
    await this.engineInstance?.deps.tools.close()
    await this.ledgerInstance?.close()
    await this.liveInstance?.close()
    this.storeInstance?.close()
    await this.loggingInstance?.close()
  }
}

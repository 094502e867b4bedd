import type { FirstStart } from '../../preload/contract'
import type { LoadedConfig } from '../engine/config/types'
import { AppError } from '../engine/errors'
import type { LedgerClient } from '../engine/ports/ledger'
import type { Engine } from '../engine/runtime/engine'
import type { SettingsService } from '../app/settings/settingsService'
import type { RolloutService } from '../app/rollouts/rolloutService'
import type { CantonService } from '../app/canton/cantonService'
import type { SqliteStore } from '../storage/sqliteStore'
import type { ProcessLogging } from '../logging/processLogging'

/**
 * The ports the IPC handlers use. Built by a composition root (`main/app/bootstrap.ts` for the
 * desktop, the CLI context for `p2engine ui`) and passed in, so tests can swap any of them.
 */
export interface AppServices {
  config: LoadedConfig
  ledger: LedgerClient
  app: { name: string; version: string; host: 'electron' | 'browser' }
  /** The conversation engine (chat, branches, overrides, artifacts). */
  engine?: Engine
  /** Saved settings and keys; the handlers build an in-memory-key one when absent. */
  settings?: SettingsService
  /** The store the engine runs on (rollouts: their rows, and the file workers open). */
  store?: SqliteStore
  /** Environment the config was loaded from (rollout workers and the Canton launcher get it). */
  env?: NodeJS.ProcessEnv
  /** Rollouts; the handlers build one on `store` when absent. */
  rollouts?: RolloutService
  /** The managed Canton sandbox; the handlers build one when absent. */
  canton?: CantonService
  /** The host's log files (`logs/app.log`, `logs/workers.log`); absent in tests. */
  logging?: ProcessLogging
  /** Problems of `config/tools/` files now (start-up load or the last hot reload), one line each. */
  toolProblems?: () => string[]
  /** Wallets the host creates at start (`main/app/firstStart.ts`); ledger reads wait for it. */
  firstStart?: Promise<FirstStart>
  /** Native save/open dialogs (Electron only; the browser host downloads and uploads instead). */
  fileDialogs?: FileDialogs
}

/** Native file dialogs: the chosen path, or null when the user cancelled. */
export interface FileDialogs {
  save(o: { title: string; defaultName: string; extensions: string[] }): Promise<string | null>
  open(o: { title: string; extensions: string[] }): Promise<string | null>
}

/** The engine, or an error that says how to get one. */
export function requireEngine(services: AppServices): Engine {
  if (!services.engine) throw new AppError('ENGINE_UNAVAILABLE', 'The conversation engine is not running in this host. Restart the app (or `p2engine ui`); if it persists, check the log for the startup error.')
  return services.engine
}

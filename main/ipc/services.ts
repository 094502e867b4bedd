import type { LoadedConfig } from '../engine/config/types'
import type { LedgerClient } from '../engine/ports/ledger'

/**
 * The ports the IPC handlers use. Built by a composition root (`main/app/bootstrap.ts` for the
 * desktop, the CLI context for `p2engine ui`) and passed in, so tests can swap any of them.
 */
export interface AppServices {
  config: LoadedConfig
  ledger: LedgerClient
  app: { name: string; version: string; host: 'electron' | 'browser' }
}

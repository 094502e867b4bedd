import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { lazyCantonLedger } from '../../ledger/canton/lazyLedger'
import { openStore } from '../../storage/sqliteStore'
import { readOnlyNote, tightenedNote, tightenHome, upgradeNote } from '../../storage/permissions'
import { startHostLogging } from '../../logging/hostLogging'
import { errorFields, loggedLedger } from '../../compose/logging'

/**
 * What a command that touches state needs: the store (better-sqlite3), the ledgers, the log
 * files (pino, rotating-file-stream). Imported only by commands that use them.
 */
export const stateServices = {
  openStore,
  readOnlyNote,
  upgradeNote,
  tightenedNote,
  tightenHome,
  EmbeddedLedger,
  /** The Canton backend, its client imported on first use (an embedded-backend command never loads it). */
  cantonLedgerFromSettings: lazyCantonLedger,
  startHostLogging,
  errorFields,
  loggedLedger,
}

/** The state part of a CLI context's services. */
export type StateServices = typeof stateServices

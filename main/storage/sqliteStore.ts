import Database from 'better-sqlite3'
import { InternalError, StorageError, UserInputError } from '../engine/errors'
import type { Store } from '../engine/ports/store'
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations'
import { BackgroundCheckpoints } from './backgroundCheckpoints'
import { guardDatabase } from './faults'
import { closeDatabase, openDatabaseFile, type OpenedDatabase } from './openDatabase'

export type SqliteDatabase = Database.Database

/** WAL pages after which a commit checkpoints (the only fsync under synchronous=NORMAL). */
const WAL_AUTOCHECKPOINT = 10000
/** The same once the checkpoint thread copies frames as they come: the writer then only restarts the WAL. */
const WAL_AUTOCHECKPOINT_WITH_THREAD = 40000

export interface OpenStoreOptions {
  /** File path or `:memory:`. */
  location: string
  /** Migrations to apply (tests pass a prefix to build old-version databases). */
  migrations?: readonly Migration[]
  /** Open for reading only even when the file is writable. */
  readOnly?: boolean
  /**
   * Checkpoint the WAL on a worker thread once it has grown (see `backgroundCheckpoints.ts`).
   * Default on for writable files; `P2ENGINE_CHECKPOINT_THREAD=off` turns it off everywhere.
   */
  backgroundCheckpoints?: boolean
  /**
   * Told before an existing database (schema `from` > 0) is upgraded to `to`: the upgrade runs
   * once and, on a large database, takes seconds (about 2.5 s for 300,000 entries), so a user
   * interface says so instead of appearing to hang. Not called for a new database.
   */
  onUpgrade?: (upgrade: { location: string; from: number; to: number }) => void
}

/**
 * A better-sqlite3 database in WAL mode with forward-only migrations tracked in
 * `PRAGMA user_version`. Several processes and worker threads may open the same file. Storage
 * faults (damaged file, read-only, disk full, I/O) surface as named `StorageError`s; a file this
 * user cannot write is opened read-only, so reading commands keep working.
 */
export class SqliteStore implements Store {
  readonly db: SqliteDatabase
  readonly location: string
  readonly schemaVersion: number
  /** True when the database could only be opened for reading (writes fail with STORAGE_READONLY). */
  readonly readOnly: boolean
  private readonly opened: OpenedDatabase
  /** The WAL checkpoint thread of a writable file, if on. */
  readonly checkpoints?: BackgroundCheckpoints

  constructor(options: OpenStoreOptions) {
    this.location = options.location
    if (options.location === ':memory:') {
      const db = new Database(':memory:')
      guardDatabase(db, ':memory:')
      this.opened = { db, readOnly: false }
    } else {
      this.opened = openDatabaseFile(options.location, { readOnly: options.readOnly })
    }
    this.db = this.opened.db
    this.readOnly = this.opened.readOnly
    try {
      this.schemaVersion = this.configure(options)
    } catch (err) {
      closeDatabase(this.opened)
      throw err
    }
    if (!this.readOnly && options.location !== ':memory:' && options.backgroundCheckpoints !== false && process.env.P2ENGINE_CHECKPOINT_THREAD !== 'off') {
      const checkpoints = new BackgroundCheckpoints(options.location, (running) => {
        try {
          this.db.pragma(`wal_autocheckpoint = ${running ? WAL_AUTOCHECKPOINT_WITH_THREAD : WAL_AUTOCHECKPOINT}`)
        } catch {
          // closed meanwhile
        }
      })
      this.checkpoints = checkpoints
      this.onBegin(() => checkpoints.noteWrite())
    }
  }

  private configure(options: OpenStoreOptions): number {
    this.db.pragma('busy_timeout = 10000')
    const migrations = options.migrations ?? MIGRATIONS
    if (this.readOnly) {
      this.db.pragma('foreign_keys = ON')
      return checkReadOnlyVersion(this.db, migrations, this.location)
    }
    if (options.location !== ':memory:') {
      // Checkpoint (the only fsync under synchronous=NORMAL) every ~40 MB of WAL instead of 4 MB,
      // and truncate the WAL back to 64 MB after it: commits are 30–40 % cheaper on the hot path.
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`)
      this.db.pragma('journal_size_limit = 67108864')
    }
    this.db.pragma('cache_size = -32768') // 32 MB page cache per connection (grows only when used)
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = ON')
    return migrate(this.db, migrations, options.location, options.onUpgrade)
  }

  /** Built once: creating a better-sqlite3 transaction wrapper per call costs more than small SQL. */
  private readonly txn = (fn: () => unknown): unknown => fn()
  private wrapped?: ReturnType<SqliteDatabase['transaction']>

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction: it either commits whole or changes nothing.
   * Inside another transaction it becomes a savepoint.
   */
  write<T>(fn: () => T): T {
    this.wrapped ??= this.db.transaction(this.txn)
    const outermost = !this.db.inTransaction && this.beginListeners.length > 0
    try {
      return this.wrapped.immediate(outermost ? () => this.begun(fn) : fn) as T
    } catch (err) {
      this.rolledBack()
      throw err
    }
  }

  /** Tells the caches that uncommitted rows were rolled back. */
  rolledBack(): void {
    for (const listener of this.rollbackListeners) listener()
  }

  private readonly closeListeners: (() => void)[] = []

  /** Runs before the database closes (a group commit flushes its batch). */
  beforeClose(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  private readonly rollbackListeners: (() => void)[] = []
  private readonly beginListeners: (() => void)[] = []

  /** Runs the begin listeners, then `fn` (for transactions opened outside `write`, e.g. a group commit). */
  begun<T>(fn: () => T): T {
    for (const listener of this.beginListeners) listener()
    return fn()
  }

  /**
   * Called at the start of every outermost `write`, holding the write lock: caches check there,
   * once per transaction, whether another connection committed (`PRAGMA data_version`).
   */
  onBegin(listener: () => void): void {
    this.beginListeners.push(listener)
  }

  /** Called after any `write` rolled back (caches of uncommitted rows drop them). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener)
  }

  close(): void {
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener()
      } catch {
        // a failed last commit leaves the database as it was before the batch
      }
    }
    this.checkpoints?.stop()
    closeDatabase(this.opened)
  }
}

/** A read-only database cannot be migrated: it must already have this build's schema. */
function checkReadOnlyVersion(db: SqliteDatabase, migrations: readonly Migration[], location: string): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > migrations.length) throw tooNew(location, current, migrations.length)
  if (current < migrations.length) {
    throw new StorageError(
      'STORAGE_READONLY', location,
      `the database ${location} has schema version ${current} and needs upgrading to ${migrations.length}, but it is read-only for this user; make the file and its folder writable (or run as their owner) once so P2Engine can upgrade it`,
    )
  }
  return current
}

const tooNew = (location: string, current: number, known: number): UserInputError =>
  new UserInputError(`database ${location} has schema version ${current}, newer than this P2Engine build understands (${known}); upgrade P2Engine`, 'STORE_TOO_NEW')

/** Applies pending migrations, each in its own transaction. Refuses databases from a newer build. */
function migrate(db: SqliteDatabase, migrations: readonly Migration[], location: string, onUpgrade?: OpenStoreOptions['onUpgrade']): number {
  const known = migrations.length
  // Up to date (nearly every open): no write transaction, whose lock a read-only command need not take.
  const seen = db.pragma('user_version', { simple: true }) as number
  if (seen === known) return known
  if (seen > known) throw tooNew(location, seen, known)
  if (seen > 0) onUpgrade?.({ location, from: seen, to: known })
  // A table rebuild must not fire the ON DELETE actions of the table it replaces: foreign keys are
  // off for the run (a pragma outside transactions) and checked before the commit.
  const rebuilds = migrations.slice(seen).some((m) => m.rebuildsTables)
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > known) throw tooNew(location, current, known)
    for (const m of migrations.slice(current)) {
      if (m.version !== migrations.indexOf(m) + 1) throw new InternalError(`migration ${m.name} has version ${m.version} out of order`)
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    }
    if (rebuilds) {
      const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[]
      if (broken.length > 0) throw new InternalError(`migrating ${location}: ${broken.length} rows of ${broken[0]!.table} lost their ${broken[0]!.parent} row`)
    }
    return Math.max(current, known)
  })
  if (!rebuilds) return apply.immediate()
  db.pragma('foreign_keys = OFF')
  try {
    return apply.immediate()
  } finally {
    db.pragma('foreign_keys = ON')
  }
}

/** Opens (and migrates) a store; `:memory:` gives a private in-memory database. */
export function openStore(location: string, options: Omit<OpenStoreOptions, 'location'> = {}): SqliteStore {
  return new SqliteStore({ location, ...options })
}

export { CURRENT_SCHEMA_VERSION }

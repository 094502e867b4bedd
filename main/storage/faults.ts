import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { StorageError } from '../engine/errors'
import { releaseOtherLocks } from './heldLocks'

/** What the user can do about a damaged database (shared by several messages). */
const RESTORE_HINT = 'run `p2engine doctor` for details, then restore a backup with `p2engine restore FILE` (or move the file away to start with an empty database)'

const FAMILIES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_PERM'] as const

/** The SQLite result code of a better-sqlite3 `SqliteError` (e.g. `SQLITE_IOERR_WRITE`), if `err` is one. */
export function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'SqliteError') return undefined
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/**
 * The named {@link StorageError} for a SQLite failure that is about the file or the disk (corrupt,
 * not a database, read-only, full, I/O, cannot open), with `file` and what to do in its message;
 * `undefined` for anything else (constraint violations, SQL errors, bugs), which keeps its class.
 */
export function storageErrorOf(err: unknown, file: string): StorageError | undefined {
  if (err instanceof StorageError) return err
  const code = sqliteCode(err)
  if (!code) return undefined
  const why = `${code}: ${(err as Error).message}`
  // Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY...) belong to their primary one.
  switch (FAMILIES.find((f) => code === f || code.startsWith(`${f}_`))) {
    case 'SQLITE_CORRUPT':
      return new StorageError('STORAGE_CORRUPT', file, `the database ${file} is damaged (${why}); ${RESTORE_HINT}`, { cause: err })
    case 'SQLITE_NOTADB':
      return new StorageError('STORAGE_CORRUPT', file, `${file} is not a P2Engine database or is damaged (${why}); ${RESTORE_HINT}`, { cause: err })
    case 'SQLITE_READONLY':
      return new StorageError(
        'STORAGE_READONLY', file,
        `cannot change the database ${file}: it is read-only for this user (${why}); nothing was changed. Commands that only read still work. To change data, make the file and its folder writable (chmod u+w "${file}" "${dirname(file)}") or run as their owner`,
        { cause: err },
      )
    case 'SQLITE_FULL':
      return new StorageError('STORAGE_FULL', file, `the disk holding the database ${file} is full (${why}); nothing was changed. Free some disk space and run the command again (\`p2engine doctor\` shows the free space)`, { cause: err })
    case 'SQLITE_IOERR':
      return new StorageError('STORAGE_IO', file, `the disk reported an I/O error on the database ${file} (${why}); nothing was changed. Check the disk, then run the command again; if it keeps failing, ${RESTORE_HINT}`, { cause: err })
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_PERM':
      return new StorageError('STORAGE_OPEN', file, `cannot open the database ${file} (${why}); check that the file and its folder exist and belong to this user`, { cause: err })
    default:
      return undefined
  }
}

/** Rethrows `err` as its {@link StorageError} when it is a storage fault, else unchanged. */
function rethrow(err: unknown, file: string): never {
  throw storageErrorOf(err, file) ?? err
}

type Statement = Database.Statement<unknown[], unknown>
const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const

/**
 * Makes every storage fault raised through `db` a {@link StorageError} naming `file`, so each
 * command and IPC call reports "damaged / read-only / full / I/O" instead of a bug. Only at the
 * outermost level: inside a transaction the raw SQLite error propagates (code that turns
 * AppErrors into per-item results must not go on after a failed write), and the outermost
 * transaction maps it once everything rolled back. Before each call, the open group-commit batches
 * of the thread's other connections commit (see `heldLocks.ts`).
 */
export function guardDatabase(db: Database.Database, file: string): void {
  let depth = 0
  const guard = <A extends unknown[], R>(fn: (...args: A) => R) =>
    function guarded(this: unknown, ...args: A): R {
      // Another connection of this thread holding a batch open would make this one wait on itself.
      releaseOtherLocks(db)
      try {
        return fn.apply(this, args)
      } catch (err) {
        if (depth === 0) rethrow(err, file)
        throw err
      }
    }
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    const st = prepare(sql) as unknown as Statement
    for (const m of STATEMENT_METHODS) (st as unknown as Record<string, unknown>)[m] = guard((st[m] as (...a: unknown[]) => unknown).bind(st))
    return st
  }) as typeof db.prepare
  db.exec = guard(db.exec.bind(db)) as typeof db.exec
  db.pragma = guard(db.pragma.bind(db)) as typeof db.pragma
  const transaction = db.transaction.bind(db)
  db.transaction = ((fn: (...a: unknown[]) => unknown) => {
    const inner = (...a: unknown[]): unknown => {
      depth++
      try {
        return fn(...a)
      } finally {
        depth--
      }
    }
    const t = transaction(inner)
    const wrap = Object.assign(guard(t), {
      default: guard(t.default),
      deferred: guard(t.deferred),
      immediate: guard(t.immediate),
      exclusive: guard(t.exclusive),
    })
    return wrap
  }) as typeof db.transaction
}

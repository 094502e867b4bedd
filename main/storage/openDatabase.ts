import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'
import { StorageError } from '../engine/errors'
import { guardDatabase, sqliteCode, storageErrorOf } from './faults'
import { PRIVATE_FILE, canWrite, makePrivateDirs } from './permissions'

/** A database connection and how it had to be opened. */
export interface OpenedDatabase {
  db: Database.Database
  /** Opened for reading only: the file or its folder is not writable for this user. */
  readOnly: boolean
  /**
   * Set when even a read-only open was impossible (a WAL database in a folder this user cannot
   * write has no shared-memory file to read through): the connection reads a private copy in
   * this temp folder, removed by {@link closeDatabase}.
   */
  snapshotDir?: string
}

/** How long a connection waits for another writer's lock (the store's busy_timeout). */
const BUSY_MS = 10_000
/**
 * The page size of databases created from now on. The WAL gets one frame per page a commit
 * touches; since migration 015 a turn of workload A touches 6 B-trees (entries, the conversation
 * row and its name index, the branch row, page 1). Measured per turn (A, `bench/walPages.ts`) at
 * v13: 2 KiB pages wrote ~20 KiB in ~10 frames, 1 KiB pages ~14 KiB in ~14 frames, 4 KiB ~34 KiB;
 * at v16, 2 KiB pages write ~15.3 KiB in ~7.5 frames. 2 KiB is chosen for speed: with
 * 1 KiB pages the ledger committed ~20 % fewer transfers/s (25k vs 31k), 100 concurrent
 * conversations took 5–15 % longer per turn (more page splits for rows of ~0.5 KB), and a row
 * over ~1 KB (a model answer) went to overflow pages. Existing databases keep the size they were
 * created with (SQLite cannot change it in WAL mode; docs/notes/speed.md says how to convert one).
 */
export const NEW_DATABASE_PAGE_SIZE = 2048

/** How long a young empty file may take to get its first page (another process creating it). */
const CREATION_GRACE_MS = 2_000

/**
 * Opens the database file `location`: creates its folder (0700) and the file (0600, exclusively)
 * when missing, refuses a zero-byte file this process did not create, opens read-write when the
 * file and folder are writable and read-only otherwise (falling back to a private snapshot copy
 * when SQLite cannot read a WAL database in place). Every storage fault through the returned
 * connection is a named {@link StorageError}.
 */
let addonPath: string | null | undefined

/**
 * better-sqlite3's native module, by path: without one, its `bindings` helper looks for the file
 * in a dozen places on every first open (~2–3 ms of each CLI command). In Electron the file sits
 * in `app.asar.unpacked`, which `bindings` knows how to find, so it is left to it there.
 */
function nativeBinding(): { nativeBinding?: string } {
  if (addonPath === undefined) {
    addonPath = null
    if (!process.versions.electron) {
      try {
        const file = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node')
        if (existsSync(file)) addonPath = file
      } catch {
        // not resolvable from here: `bindings` finds it
      }
    }
  }
  return addonPath === null ? {} : { nativeBinding: addonPath }
}

export function openDatabaseFile(location: string, options: { readOnly?: boolean } = {}): OpenedDatabase {
  const file = resolve(location)
  const dir = dirname(file)
  if (options.readOnly && !existsSync(file)) throw new StorageError('STORAGE_OPEN', file, `the database ${file} does not exist`)
  const created = !options.readOnly && createIfMissing(file, dir)
  // A zero-byte file is only new when this call made it; any other one lost its contents.
  if (!created) refuseUnexpectedEmpty(file)
  if (!options.readOnly && writable(file) && writable(dir)) {
    try {
      const db = new Database(file, { fileMustExist: true, timeout: BUSY_MS, ...nativeBinding() })
      guardDatabase(db, file)
      // Only a new file takes a page size (before its first table, and before WAL mode fixes it).
      if (created) db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`)
      db.pragma('journal_mode = WAL')
      return { db, readOnly: false }
    } catch (err) {
      // Root and some file systems pass access() and still refuse the write: read-only it is.
      if (!isNotWritable(err)) throw storageErrorOf(err, file) ?? err
    }
  }
  return openReadOnly(file)
}

/** Closes the connection and removes its snapshot copy, if any. */
export function closeDatabase(opened: OpenedDatabase): void {
  if (opened.db.open) opened.db.close()
  if (opened.snapshotDir) rmSync(opened.snapshotDir, { recursive: true, force: true })
}

/** Creates the file (exclusively, 0600) when missing; true when this call created it. */
function createIfMissing(file: string, dir: string): boolean {
  try {
    makePrivateDirs(dir)
    const fd = openSync(file, 'wx', PRIVATE_FILE)
    closeSync(fd)
    if (process.platform !== 'win32') chmodSync(file, PRIVATE_FILE) // umask-independent
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StorageError('STORAGE_READONLY', file, `cannot create the database ${file}: the folder ${dir} is not writable for this user (${code}); make it writable or choose another state folder with --home or P2ENGINE_HOME`, { cause: err })
    }
    throw new StorageError('STORAGE_OPEN', file, `cannot create the database ${file}: ${(err as Error).message}`, { cause: err })
  }
}

function refuseUnexpectedEmpty(file: string): void {
  let st = statSync(file)
  if (!st.isFile()) throw new StorageError('STORAGE_OPEN', file, `${file} is not a regular file; expected the P2Engine database`)
  // Another process that just created it writes the first page within milliseconds.
  for (let waited = 0; st.size === 0 && Date.now() - st.mtimeMs < CREATION_GRACE_MS && waited < CREATION_GRACE_MS; waited += 50) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
    st = statSync(file)
  }
  if (st.size > 0) return
  // A database whose first pages still sit in its write-ahead log is not empty.
  const wal = `${file}-wal`
  if (existsSync(wal) && statSync(wal).size > 0) return
  throw new StorageError(
    'STORAGE_EMPTY', file,
    `the database ${file} exists but is empty (0 bytes): its contents were lost (a failed copy, a full disk, a truncation), so P2Engine will not start over on it (that would mint the configured wallets again). Restore a backup with \`p2engine restore FILE\`, or delete the empty file to start with a fresh database`,
  )
}

const writable = canWrite

/** The SQLite code of `err` or of the SQLite error a StorageError wraps. */
const rawCode = (err: unknown): string | undefined => sqliteCode(err) ?? (err instanceof StorageError ? sqliteCode(err.cause) : undefined)

const isNotWritable = (err: unknown): boolean => {
  const code = rawCode(err)
  return Boolean(code && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM'))
}

function openReadOnly(file: string): OpenedDatabase {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_MS, ...nativeBinding() })
    guardDatabase(db, file)
    db.pragma('user_version') // reads page 1: proves the WAL index is reachable
    return { db, readOnly: true }
  } catch (err) {
    db?.close()
    if (!isNotWritable(err) && rawCode(err) !== 'SQLITE_IOERR_LOCK') throw storageErrorOf(err, file) ?? err
  }
  return openSnapshot(file)
}

/** Reads a private copy (with its write-ahead log) when SQLite cannot read the file in place. */
function openSnapshot(file: string): OpenedDatabase {
  const snapshotDir = mkdtempSync(join(tmpdir(), 'p2engine-readonly-'))
  try {
    const copy = join(snapshotDir, basename(file))
    copyFileSync(file, copy)
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`)
    const db = new Database(copy, { readonly: true, fileMustExist: true, timeout: BUSY_MS, ...nativeBinding() })
    guardDatabase(db, file)
    db.pragma('user_version')
    return { db, readOnly: true, snapshotDir }
  } catch (err) {
    rmSync(snapshotDir, { recursive: true, force: true })
    throw storageErrorOf(err, file) ?? new StorageError('STORAGE_OPEN', file, `cannot read the database ${file}: ${(err as Error).message}`, { cause: err })
  }
}

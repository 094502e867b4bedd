import { chmodSync, existsSync, linkSync, copyFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StorageError, UserInputError } from '../../engine/errors'
import { sqliteCode, storageErrorOf } from '../faults'
import { CURRENT_SCHEMA_VERSION, openStore } from '../sqliteStore'
import { makePrivateDirs, PRIVATE_FILE } from '../permissions'
import { summarizeDatabase, type DatabaseSummary } from './summary'

/** What a backup wrote. */
export interface BackupResult {
  file: string
  bytes: number
  summary: DatabaseSummary
}

/**
 * Copies the open database `db` to `dest` with SQLite's online backup API (consistent even while
 * the app or a rollout writes), as one self-contained file (rollback journal, no -wal), 0600.
 * Written to a temp name next to `dest` and renamed into place, so `dest` is never half-written.
 * Refuses an existing `dest` unless `force`.
 */
export async function backupDatabase(db: Database.Database, dest: string, options: { force?: boolean } = {}): Promise<BackupResult> {
  const file = resolve(dest)
  if (existsSync(file)) {
    if (!statSync(file).isFile()) throw new UserInputError(`${file} is not a file; give the path of the backup file to write`, 'BACKUP_TARGET')
    if (!options.force) throw new UserInputError(`${file} already exists; choose another name or pass --force to overwrite it`, 'BACKUP_EXISTS')
  }
  if (!existsSync(dirname(file))) throw new UserInputError(`the folder ${dirname(file)} does not exist; create it first or choose another path for the backup`, 'BACKUP_TARGET')
  const tmp = `${file}.tmp-${process.pid}`
  try {
    await db.backup(tmp)
    const copy = new Database(tmp)
    let summary: DatabaseSummary
    try {
      copy.pragma('journal_mode = DELETE') // one file to keep, copy or mail
      summary = summarizeDatabase(copy)
    } finally {
      copy.close()
    }
    if (process.platform !== 'win32') chmodSync(tmp, PRIVATE_FILE)
    renameSync(tmp, file)
    return { file, bytes: statSync(file).size, summary }
  } catch (err) {
    rmSync(tmp, { force: true })
    throw backupFault(err, file)
  }
}

/** What a restore did. */
export interface RestoreResult {
  /** The database that was replaced, kept under this name (null when there was none). */
  keptAs: string | null
  /** The restored database after migrations. */
  summary: DatabaseSummary
  /** Schema version of the backup before migrations were applied. */
  fromVersion: number
}

/**
 * Replaces the database `target` with the backup `source`: checks the backup (a SQLite file that
 * passes `integrity_check`, a P2Engine schema no newer than this build), copies it next to the
 * target and applies pending migrations, refuses while another process has the target open, keeps
 * the current file as `<target>.before-restore-<time>` and swaps the new one in with one rename.
 */
export async function restoreDatabase(source: string, target: string, now: Date = new Date()): Promise<RestoreResult> {
  const from = resolve(source)
  const to = resolve(target)
  checkSourceFile(from)
  makePrivateDirs(dirname(to)) // restoring into a fresh state folder
  const staging = `${to}.restore-${process.pid}`
  try {
    const fromVersion = await stageBackup(from, staging)
    const store = openStore(staging) // applies this build's migrations
    const summary = summarizeDatabase(store.db)
    store.close()
    if (process.platform !== 'win32') chmodSync(staging, PRIVATE_FILE)
    const keptAs = existsSync(to) ? `${to}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}` : null
    if (keptAs) {
      releaseTarget(to)
      keep(to, keptAs)
    }
    renameSync(staging, to) // atomic: the database path always holds a whole database
    return { keptAs, summary, fromVersion }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(staging + suffix, { force: true })
  }
}

function checkSourceFile(file: string): void {
  let size: number
  try {
    const st = statSync(file)
    if (!st.isFile()) throw new UserInputError(`${file} is not a file; expected a backup written by \`p2engine backup\``, 'RESTORE_SOURCE')
    size = st.size
  } catch (err) {
    if (err instanceof UserInputError) throw err
    throw new UserInputError(`cannot read the backup ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'RESTORE_SOURCE')
  }
  if (size === 0) throw new UserInputError(`the backup ${file} is empty (0 bytes); expected a backup written by \`p2engine backup\``, 'RESTORE_SOURCE')
}

/** Copies the backup to `staging` through SQLite and checks it; returns its schema version. */
async function stageBackup(file: string, staging: string): Promise<number> {
  const notOurs = (why: string) => new UserInputError(`${file} is not a P2Engine database backup (${why}); nothing was changed`, 'RESTORE_SOURCE')
  try {
    const src = new Database(file, { readonly: true, fileMustExist: true })
    try {
      await src.backup(staging)
    } finally {
      src.close()
    }
  } catch (err) {
    const code = sqliteCode(err)
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) throw notOurs(`${code}: ${(err as Error).message}`)
    throw backupFault(err, file)
  }
  const db = new Database(staging)
  try {
    const check = db.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new UserInputError(`the backup ${file} is damaged (integrity_check: ${String(check).replace(/\s*\n\s*/g, ' ')}); nothing was changed; use another backup`, 'RESTORE_DAMAGED')
    const version = db.pragma('user_version', { simple: true }) as number
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('ledger_transactions', 'ledger_wallets')").pluck().all()
    if (version < 1 || tables.length < 2) throw notOurs(`no P2Engine tables, schema version ${version}`)
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new UserInputError(`the backup ${file} has schema version ${version}, newer than this P2Engine build understands (${CURRENT_SCHEMA_VERSION}); upgrade P2Engine to restore it; nothing was changed`, 'RESTORE_TOO_NEW')
    }
    return version
  } catch (err) {
    const code = sqliteCode(err)
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) throw notOurs(`${code}: ${(err as Error).message}`)
    throw err
  } finally {
    db.close()
  }
}

/**
 * Makes sure no other connection has `target` open (an idle WAL connection of another process
 * holds a shared lock, so an exclusive lock fails at once), then folds its write-ahead log in so
 * the file kept aside is whole. A damaged target cannot be checked: it is set aside as it is.
 */
function releaseTarget(target: string): void {
  let db: Database.Database | undefined
  try {
    db = new Database(target, { fileMustExist: true, timeout: 0 })
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE; COMMIT')
    db.pragma('wal_checkpoint(TRUNCATE)')
  } catch (err) {
    const code = sqliteCode(err)
    if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
      throw new StorageError(
        'STORAGE_IN_USE', target,
        `the database ${target} is open in another P2Engine process (the app, \`p2engine ui\`, a chat or a rollout); close it and run restore again; nothing was changed`,
        { cause: err },
      )
    }
    if (!(code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT'))) throw storageErrorOf(err, target) ?? err
  } finally {
    db?.close()
  }
}

/** Sets the current database (and a leftover WAL of a damaged one) aside under `keptAs`. */
function keep(target: string, keptAs: string): void {
  try {
    linkSync(target, keptAs) // the target path never disappears: the rename below replaces it
  } catch {
    copyFileSync(target, keptAs) // file systems without hard links
  }
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(target + suffix)) renameSync(target + suffix, keptAs + suffix)
  }
}

function backupFault(err: unknown, file: string): unknown {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOSPC') return new StorageError('STORAGE_FULL', file, `the disk holding ${file} is full; free some space and try again`, { cause: err })
  if (code === 'EACCES' || code === 'EPERM') return new UserInputError(`cannot write ${file}: permission denied; choose a folder you can write`, 'BACKUP_TARGET')
  return storageErrorOf(err, file) ?? err
}

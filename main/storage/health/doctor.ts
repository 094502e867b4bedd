import { existsSync, lstatSync, readdirSync, statfsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { messageOf, StorageError } from '../../engine/errors'
import { sqliteCode } from '../faults'
import { CURRENT_SCHEMA_VERSION } from '../migrations'
import { closeDatabase, openDatabaseFile } from '../openDatabase'
import { canWrite, ownedByMe } from '../permissions'
import { formatBytes } from './summary'

/** ok: nothing to do; warn: works, but look at it; fail: P2Engine cannot work properly until fixed. */
export type CheckStatus = 'ok' | 'warn' | 'fail'

/** One line of `p2engine doctor`. */
export interface CheckResult {
  check: string
  status: CheckStatus
  detail: string
}

/** Databases larger than this get `quick_check` (O(pages)) instead of the full `integrity_check`. */
export const FULL_CHECK_LIMIT = 256 * 1024 * 1024
/** A write-ahead log above this has not been checkpointed for a long time (the store truncates to 64 MB). */
export const WAL_WARN_BYTES = 128 * 1024 * 1024
/** Free space below which writes are likely to fail soon, and below which to warn. */
export const DISK_FAIL_BYTES = 50 * 1024 * 1024
export const DISK_WARN_BYTES = 500 * 1024 * 1024

const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail })
const warn = (check: string, detail: string): CheckResult => ({ check, status: 'warn', detail })
const fail = (check: string, detail: string): CheckResult => ({ check, status: 'fail', detail })

/**
 * The local checks of `p2engine doctor` for the state folder `home` and its database `database`:
 * file, integrity, schema version, WAL size, free disk space, permissions. Never throws: a damaged
 * or unreadable database is a failed check. Opens the database read-only and changes nothing.
 */
export function checkStorage(home: string, database: string, options: { fullCheckLimit?: number } = {}): CheckResult[] {
  const results: CheckResult[] = []
  const size = existsSync(database) && statSync(database).isFile() ? statSync(database).size : null
  if (size === null) {
    results.push(ok('database', `${database} does not exist yet (the first command that needs it creates it)`))
  } else if (size === 0) {
    results.push(fail('database', `${database} is empty (0 bytes): restore a backup with \`p2engine restore FILE\`, or delete it to start fresh`))
  } else {
    results.push(ok('database', `${database} (${formatBytes(size)})`))
    results.push(...checkDatabase(database, size, options.fullCheckLimit ?? FULL_CHECK_LIMIT))
  }
  results.push(safe('write-ahead log', () => checkWal(database)), safe('free disk space', () => checkDisk(home)), safe('permissions', () => checkPermissions(home, database)))
  return results
}

/** A check that throws (a home that is a file, a vanished entry) is a failed check, not a crash. */
function safe(check: string, run: () => CheckResult): CheckResult {
  try {
    return run()
  } catch (err) {
    return fail(check, messageOf(err))
  }
}

function checkDatabase(database: string, size: number, fullCheckLimit: number): CheckResult[] {
  const pragma = size > fullCheckLimit ? 'quick_check' : 'integrity_check'
  let opened
  try {
    opened = openDatabaseFile(database, { readOnly: true })
  } catch (err) {
    const cause = err instanceof StorageError && err.cause instanceof Error ? err.cause : err
    const why = sqliteCode(cause) ? `${sqliteCode(cause)}: ${messageOf(cause)}` : messageOf(err)
    const what = err instanceof StorageError && err.code === 'STORAGE_CORRUPT' ? 'damaged' : 'cannot be opened'
    return [
      fail('integrity', `the database ${what} (${why}); restore a backup with \`p2engine restore FILE\`, or move the file away to start fresh`),
      fail('schema version', 'unknown: the database cannot be opened'),
    ]
  }
  try {
    const results: CheckResult[] = []
    try {
      const rows = opened.db.pragma(`${pragma}(20)`, { simple: false }) as Record<string, string>[]
      const lines = rows.map((r) => Object.values(r)[0]!)
      results.push(lines.length === 1 && lines[0] === 'ok'
        ? ok('integrity', `${pragma}: ok${pragma === 'quick_check' ? ` (quick check: the file is over ${formatBytes(fullCheckLimit)})` : ''}`)
        : fail('integrity', `${pragma} found problems: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (+${lines.length - 3} more)` : ''}. Restore a backup with \`p2engine restore FILE\``))
    } catch (err) {
      results.push(fail('integrity', messageOf(err)))
    }
    try {
      const version = opened.db.pragma('user_version', { simple: true }) as number
      results.push(version === CURRENT_SCHEMA_VERSION
        ? ok('schema version', `${version} (the newest this build knows)`)
        : version < CURRENT_SCHEMA_VERSION
          ? warn('schema version', `${version}; this build upgrades it to ${CURRENT_SCHEMA_VERSION} on the next command that opens it for writing`)
          : fail('schema version', `${version} is newer than this build understands (${CURRENT_SCHEMA_VERSION}); upgrade P2Engine`))
    } catch (err) {
      results.push(fail('schema version', messageOf(err)))
    }
    return results
  } finally {
    closeDatabase(opened)
  }
}

function checkWal(database: string): CheckResult {
  const wal = `${database}-wal`
  if (!existsSync(wal)) return ok('write-ahead log', 'none (everything is in the database file)')
  const bytes = statSync(wal).size
  return bytes > WAL_WARN_BYTES
    ? warn('write-ahead log', `${formatBytes(bytes)}: not checkpointed for a long time (a long-running reader?); it shrinks once every P2Engine process has closed`)
    : ok('write-ahead log', formatBytes(bytes))
}

function checkDisk(home: string): CheckResult {
  let dir = home
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  try {
    const fs = statfsSync(dir)
    const free = fs.bavail * fs.bsize
    const detail = `${formatBytes(free)} free on the file system of ${dir}`
    if (free < DISK_FAIL_BYTES) return fail('free disk space', `${detail}: writes will fail soon; free some space`)
    if (free < DISK_WARN_BYTES) return warn('free disk space', `${detail}: running low`)
    return ok('free disk space', detail)
  } catch (err) {
    return warn('free disk space', `cannot tell: ${messageOf(err)}`)
  }
}

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0')

function checkPermissions(home: string, database: string): CheckResult {
  if (!existsSync(home)) return ok('permissions', `${home} does not exist yet (created 0700)`)
  if (process.platform === 'win32') return ok('permissions', 'not checked on Windows (the folder inherits your user profile\'s ACL)')
  const loose: string[] = []
  let othersOwn = false
  const homeSt = statSync(home)
  const homeMode = homeSt.mode
  const note = (label: string, st: { mode: number; uid: number }): void => {
    if (!(st.mode & 0o077)) return
    loose.push(`${label} ${octal(st.mode)}`)
    if (!ownedByMe(st.uid)) othersOwn = true
  }
  note(home, homeSt)
  for (const name of readdirSync(home)) {
    const st = lstatSync(join(home, name))
    if (!st.isSymbolicLink()) note(name, st)
  }
  const notWritable = [home, ...(existsSync(database) ? [database] : [])].filter((p) => !canWrite(p))
  const problems: string[] = []
  if (loose.length) {
    const fix = othersOwn ? 'they belong to another user: their owner can chmod them (folder 0700, files 0600)' : 'any p2engine command tightens them (folder 0700, files 0600)'
    problems.push(`other users can read: ${loose.slice(0, 4).join(', ')}${loose.length > 4 ? ` and ${loose.length - 4} more` : ''}; ${fix}`)
  }
  if (notWritable.length) problems.push(`not writable for this user: ${notWritable.join(', ')} (reading commands only)`)
  if (problems.length) return warn('permissions', problems.join('; '))
  return ok('permissions', `${home} ${octal(homeMode)}, files owner-only`)
}

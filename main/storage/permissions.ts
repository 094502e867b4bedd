import { accessSync, chmodSync, constants, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Mode of the state folder and every folder P2Engine creates in it: only the owner. */
export const PRIVATE_DIR = 0o700
/** Mode of every file P2Engine creates in the state folder (database, settings, backups). */
export const PRIVATE_FILE = 0o600

const POSIX = process.platform !== 'win32'

/**
 * Creates `dir` and any missing parents as private (0700) folders. `mkdir`'s mode is reduced by
 * the umask, so each folder created here is chmod-ed explicitly; existing folders are untouched.
 */
export function makePrivateDirs(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR })
  if (!first || !POSIX) return
  for (let d = dir; d.length >= first.length; d = dirname(d)) {
    chmodSync(d, PRIVATE_DIR)
    if (d === first || dirname(d) === d) break
  }
}

/** One permission change made by {@link tightenHome}. */
export interface Tightened {
  path: string
  from: number
  to: number
}

/**
 * Removes group and other access from the state folder `home` and from every file and folder
 * directly in it (owner bits stay, so executables stay executable). The home being 0700 already
 * shuts others out of everything deeper. Entries this user cannot change (another owner, a
 * read-only file system) are left as they are. A no-op on Windows (ACLs, not modes).
 */
export function tightenHome(home: string): Tightened[] {
  if (!POSIX) return []
  const changed: Tightened[] = []
  const tighten = (path: string): void => {
    let st
    try {
      st = lstatSync(path)
    } catch {
      return
    }
    if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return
    if (!ownedByMe(st.uid)) return
    const from = st.mode & 0o777
    const to = from & ~0o077
    try {
      chmodSync(path, to)
      changed.push({ path, from, to })
    } catch {
      // not ours to change (read-only mount, ACL): doctor reports it
    }
  }
  tighten(home)
  let names: string[] = []
  try {
    names = readdirSync(home)
  } catch {
    return changed
  }
  for (const name of names) tighten(join(home, name))
  return changed
}

const octal = (mode: number): string => mode.toString(8).padStart(4, '0')

/** One line for the user: what {@link tightenHome} changed, or `undefined` when nothing. */
export function tightenedNote(home: string, changed: readonly Tightened[]): string | undefined {
  if (changed.length === 0) return undefined
  const shown = changed.slice(0, 4).map((c) => `${c.path === home ? home : basename(c.path)} ${octal(c.from)}→${octal(c.to)}`)
  const more = changed.length > 4 ? ` and ${changed.length - 4} more` : ''
  return `other users could read P2Engine's state; permissions tightened: ${shown.join(', ')}${more}`
}

/**
 * Whether this process may write `path`: `access(W_OK)` (read-only mounts, ACLs) and the mode
 * bits for the effective user and group (access() checks the real ids, which differ under seteuid).
 */
export function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
  } catch {
    return false
  }
  if (!POSIX || typeof process.geteuid !== 'function') return true
  const euid = process.geteuid()
  if (euid === 0) return true
  const st = statSync(path)
  if (st.uid === euid) return Boolean(st.mode & 0o200)
  const groups = [process.getegid!(), ...(process.getgroups?.() ?? [])]
  return Boolean(st.mode & (groups.includes(st.gid) ? 0o020 : 0o002))
}

/** Whether `uid` is this process's effective user (always true where there are no uids). */
export const ownedByMe = (uid: number): boolean => typeof process.geteuid !== 'function' || uid === process.geteuid()

/** The one-line notice for a database opened read-only (CLI stderr, the app's config notices). */
export const readOnlyNote = (database: string): string =>
  `the database ${database} is read-only for this user: opened for reading; commands that change data will fail`

/**
 * An existing database being upgraded to this build's schema (once; it can take seconds): said
 * before it starts (CLI), or after it (`done`, the app's notes).
 */
export const upgradeNote = (u: { location: string; from: number; to: number }, done = false): string =>
  done
    ? `the database ${u.location} was upgraded from schema ${u.from} to ${u.to} when it was opened (once)`
    : `upgrading the database ${u.location} from schema ${u.from} to ${u.to} (once; a large database takes a few seconds)`

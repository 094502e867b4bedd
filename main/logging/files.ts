import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths } from '../engine/paths'

/** Where each process writes: the app and CLI share `app.log`, worker threads `workers.log`, the Canton sandbox `canton.log`. */
export type LogSource = 'app' | 'workers' | 'canton'
export const LOG_SOURCES: readonly LogSource[] = ['app', 'workers', 'canton']

/** The log folder and its files under `P2ENGINE_HOME/logs/`. */
export function logFiles(home: string): { dir: string } & Record<LogSource, string> {
  const dir = homePaths(home).logs
  return { dir, app: join(dir, 'app.log'), workers: join(dir, 'workers.log'), canton: join(dir, 'canton.log') }
}

/** Creates the log folder (0700) and tightens an existing one and its files (0600): logs hold conversations. */
export function ensureLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform === 'win32') return
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700)
    for (const f of readdirSync(dir)) {
      const p = join(dir, f)
      const st = statSync(p)
      if (st.isFile() && (st.mode & 0o077) !== 0) chmodSync(p, 0o600)
    }
  } catch {
    // A folder we cannot tighten (not ours) still gets written; the doctor reports permissions.
  }
}

/** `app.log`, `app.log.1`, … : the classical logrotate names (`.1` is the newest rotated file). */
export const rotatedName = (name: string, index: number | null): string => (index ? `${name}.${index}` : name)

/** A log file written one whole line at a time. */
export interface LogFile {
  /** Appends `line` (it ends with a newline); a line that cannot be written is dropped. */
  write(line: string): boolean
  /** Closes the file; later lines reopen it. */
  end(): void
}

/**
 * An appending, size-rotated log file: created 0600, each line one synchronous `write` (lines of
 * several processes sharing the file never interleave), rotated to `name.1` … `name.<maxFiles>`
 * (`.1` the newest, the oldest dropped) at the first write after one took it to `maxSize`, so the
 * full file stays in place until then (`logs --follow` reads it out), as with rotating-file-stream,
 * which this replaces: its streams, promises API and asynchronous open were ~8 ms of every cold
 * CLI command, and a line here costs a few microseconds. A full disk or a lost folder drops
 * lines, never the process (the doctor reports it).
 */
export function openLogFile(dir: string, name: string, o: { maxSize: string; maxFiles: number }): LogFile {
  ensureLogDir(dir)
  const file = join(dir, name)
  const maxBytes = sizeInBytes(o.maxSize)
  let fd: number | null = null
  let size = 0
  const close = () => {
    if (fd === null) return
    try {
      closeSync(fd)
    } catch {
      // already gone
    }
    fd = null
  }
  const open = (): number => {
    try {
      rotateIfLarger(file, maxBytes - 1, o.maxFiles)
    } catch {
      // another process rotated it at the same moment
    }
    let opened: number
    try {
      opened = openSync(file, 'a', 0o600)
    } catch (err) {
      // The folder was removed while the process ran: make it again (0700), once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      ensureLogDir(dir)
      opened = openSync(file, 'a', 0o600)
    }
    fd = opened
    size = fstatSync(opened).size
    return opened
  }
  return {
    write(line) {
      if (fd !== null && size >= maxBytes) {
        close()
        try {
          rotateFiles(file, o.maxFiles)
        } catch {
          // another process rotated it first: the line goes to the file that is there now
        }
      }
      try {
        size += writeSync(fd ?? open(), line)
        return true
      } catch {
        // e.g. the disk is full: this line is lost, the next one tries again
        close()
        return false
      }
    },
    end: close,
  }
}

/** `10M` → bytes. */
export function sizeInBytes(size: string): number {
  const m = /^(\d+)([BKMG])$/.exec(size)
  if (!m) return 10 * 1024 * 1024
  return Number(m[1]) * { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as 'B' | 'K' | 'M' | 'G']
}

/**
 * Rotates a file written by another program (the Canton sandbox gets `canton.log` as its
 * stdout) when it is over `maxBytes`: `name` → `name.1` → … → `name.<keep>` (the oldest dropped).
 * Called before the program is started, never while it writes.
 */
export function rotateIfLarger(file: string, maxBytes: number, keep: number): boolean {
  if (!existsSync(file) || statSync(file).size <= maxBytes) return false
  rotateFiles(file, keep)
  return true
}

/** `name` → `name.1` → … → `name.<keep>` (the oldest dropped); nothing when `name` is gone (rotated by another process). */
function rotateFiles(file: string, keep: number): void {
  if (!existsSync(file)) return
  rmSync(`${file}.${keep}`, { force: true })
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
  renameSync(file, `${file}.1`)
}

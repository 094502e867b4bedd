import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createStream, type Generator, type RotatingFileStream } from 'rotating-file-stream'
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

/**
 * An appending, size-rotated file stream (rotating-file-stream) for one log: files are created
 * 0600, `maxFiles` rotated files are kept (`name.1` newest).
 */
export function rotatingLogStream(dir: string, name: string, o: { maxSize: string; maxFiles: number }): RotatingFileStream {
  ensureLogDir(dir)
  // Classical rotation calls the generator with the index alone (null: the live file).
  return createStream(((index: number | null) => rotatedName(name, index)) as unknown as Generator, { path: dir, size: o.maxSize, rotate: o.maxFiles, mode: 0o600 })
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
  rmSync(`${file}.${keep}`, { force: true })
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`)
  renameSync(file, `${file}.1`)
  return true
}

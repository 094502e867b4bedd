import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The small JSON files the bundled CLI keeps between runs in its cache folder (custom tool names,
 * parsed YAML). A file that cannot be read or written only costs the speed-up.
 */

/** `<prefix>-<FNV-1a of key>.json` in `cacheDir`: a short stable name for a path, without loading `crypto`. */
export function cacheFile(cacheDir: string, prefix: string, key: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0
  return join(cacheDir, `${prefix}-${h.toString(16).padStart(8, '0')}.json`)
}

/** The stored JSON object, or undefined when there is none or it cannot be read. */
export function readCacheFile(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'))
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** Replaces the file atomically (a concurrent run reads the old file or the whole new one); failures are ignored. */
export function writeCacheFile(file: string, value: unknown, mode?: number): void {
  try {
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(value), mode === undefined ? undefined : { mode })
    renameSync(tmp, file)
  } catch {
    // read-only install: no cache
  }
}

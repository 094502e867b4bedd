import type { ParsedYamlCache } from '../engine/config/types'
import { cacheFile, readCacheFile, writeCacheFile } from './cacheFiles'

/** True when `value` survives JSON unchanged: strings, finite numbers, booleans, null, arrays and plain objects. */
function plainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (Array.isArray(value)) return value.every((v) => plainJson(v, depth + 1))
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value).every((v) => plainJson(v, depth + 1))
}

/**
 * The data of YAML config files parsed before, kept between CLI runs in `cacheDir` (the bundled
 * CLI's `out/main/cli-cache/`, owner-only files). An entry holds the file's path, its whole text
 * and the data its parse gave; it is used only for exactly the same text, so an edited file is
 * parsed again. The config loader stores only a file that parsed and validated without a problem
 * (`loadFile`), and data JSON cannot hold as it is (`.inf`, a date) is never stored. Failures to
 * read or write only cost the speed-up.
 */
export function parsedYamlCache(cacheDir: string): ParsedYamlCache {
  return {
    get(path, text) {
      const stored = readCacheFile(cacheFile(cacheDir, 'yaml', path))
      return stored && stored.path === path && stored.text === text && 'data' in stored ? { data: stored.data } : undefined
    },
    put(path, text, data) {
      if (plainJson(data)) writeCacheFile(cacheFile(cacheDir, 'yaml', path), { path, text, data }, 0o600)
    },
  }
}

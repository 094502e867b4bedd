import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cacheFile, readCacheFile, writeCacheFile } from './cacheFiles'

/**
 * The names of a config folder's custom tools, remembered between CLI runs. Learning them means
 * importing every file of `config/tools/` (an ES-module tool starts Node's ES-module loader,
 * ~15 ms of a cold `p2engine agent list`), and a command that only checks agents.yml against
 * the names needs nothing else. An entry holds only loads without a problem, and it is used only
 * while every file under `config/tools/` (helpers and data too) has the same size and
 * modification time, so a changed, added or removed file is loaded again.
 */
export interface ToolNameCache {
  /** The custom tool names if nothing under `tools/` changed since they were stored. */
  get(): string[] | undefined
  /** Remembers `names` for the folder as it is now (failures only cost the speed-up). */
  put(names: string[]): void
}

/** Every file under `dir` (recursively) with its size and modification time, sorted; null if unreadable. */
function fingerprint(dir: string): string | null {
  const out: string[] = []
  const walk = (d: string, depth: number): void => {
    if (depth > 4) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p, depth + 1)
      else {
        const st = statSync(p)
        out.push(`${p}\t${st.size}\t${st.mtimeMs}`)
      }
    }
  }
  try {
    walk(dir, 0)
  } catch {
    return null
  }
  return out.sort().join('\n')
}

export function toolNameCache(cacheDir: string, configDir: string): ToolNameCache {
  const file = cacheFile(cacheDir, 'tool-names', configDir)
  const toolsDir = join(configDir, 'tools')
  return {
    get() {
      const stored = readCacheFile(file)
      if (!stored || stored.configDir !== configDir || !Array.isArray(stored.names) || !stored.names.every((n) => typeof n === 'string')) return undefined
      return stored.fingerprint === fingerprint(toolsDir) ? (stored.names as string[]) : undefined
    },
    put(names) {
      const print = fingerprint(toolsDir)
      if (print !== null) writeCacheFile(file, { configDir, fingerprint: print, names })
    },
  }
}

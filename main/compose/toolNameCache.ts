import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fnv1a } from './fnv'

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

/** One cache file per config folder. */
const nameOf = (configDir: string): string => `tool-names-${fnv1a(configDir)}.json`

export function toolNameCache(cacheDir: string, configDir: string): ToolNameCache {
  const file = join(cacheDir, nameOf(configDir))
  const toolsDir = join(configDir, 'tools')
  return {
    get() {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { configDir?: unknown; fingerprint?: unknown; names?: unknown }
        if (stored.configDir !== configDir || !Array.isArray(stored.names) || !stored.names.every((n) => typeof n === 'string')) return undefined
        return stored.fingerprint === fingerprint(toolsDir) ? (stored.names as string[]) : undefined
      } catch {
        return undefined
      }
    },
    put(names) {
      const print = fingerprint(toolsDir)
      if (print === null) return
      try {
        mkdirSync(cacheDir, { recursive: true })
        const tmp = `${file}.${process.pid}.tmp`
        writeFileSync(tmp, JSON.stringify({ configDir, fingerprint: print, names }))
        renameSync(tmp, file)
      } catch {
        // read-only install: no cache
      }
    },
  }
}

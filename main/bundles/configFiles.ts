import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { readLimited } from '../engine/config/readLimited'
import { scrubConfigFile } from './secrets'

/** Config files a run uses: agents, app config, prompt templates, eval rubrics and templates. */
const TOP_FILES = ['agents.yml', 'config.json']
const FOLDERS = ['templates', 'evals']
const TEXT_FILE = /\.(ya?ml|json|j2|md|txt)$/i
const MAX_FILE = 1024 * 1024

/**
 * Files under `dir`, depth first in name order, that `accept` takes (by name and size); hidden
 * entries and `node_modules` are skipped. Also used for a job's config snapshot (scale-out).
 */
export function walkFiles(dir: string, accept: (name: string, size: number) => boolean, out: string[] = []): string[] {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return out
  }
  for (const n of names) {
    if (n.startsWith('.') || n === 'node_modules') continue
    const p = join(dir, n)
    const st = statSync(p, { throwIfNoEntry: false })
    if (st?.isDirectory()) walkFiles(p, accept, out)
    else if (st?.isFile() && accept(n, st.size)) out.push(p)
  }
  return out
}

const configFile = (name: string, size: number): boolean => TEXT_FILE.test(name) && size <= MAX_FILE

/**
 * The config files to bundle, by path relative to the config folder (`/`-separated), scrubbed
 * of secrets: agents.yml, config.json, templates/**, evals/** and the spec files of the bundled
 * rollouts that live in the config folder. Never `.env`, Canton configs or anything else.
 */
export function collectConfigFiles(configDir: string | undefined, specFiles: readonly string[], secrets: readonly string[]): Record<string, string> {
  if (!configDir) return {}
  const root = resolve(configDir)
  const paths: string[] = []
  for (const f of TOP_FILES) paths.push(join(root, f))
  for (const d of FOLDERS) walkFiles(join(root, d), configFile, paths)
  for (const s of specFiles) paths.push(isAbsolute(s) ? s : resolve(root, s))
  const out: Record<string, string> = {}
  for (const p of [...new Set(paths)]) {
    const rel = relative(root, p)
    if (rel.startsWith('..') || isAbsolute(rel) || !TEXT_FILE.test(rel) || /(^|[\\/])\.env/.test(rel)) continue
    const r = readLimited(p, MAX_FILE)
    if (!('text' in r)) continue
    const name = rel.split(sep).join('/')
    out[name] = scrubConfigFile(name, r.text, secrets)
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

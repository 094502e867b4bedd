import { readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { readLimited } from '../engine/config/readLimited'
import { scrubConfigFile } from './secrets'

/** Config files a run uses: agents, app config, prompt templates, eval rubrics and templates. */
const TOP_FILES = ['agents.yml', 'config.json']
const FOLDERS = ['templates', 'evals']
const TEXT_FILE = /\.(ya?ml|json|j2|md|txt)$/i
const MAX_FILE = 1024 * 1024

function walk(dir: string, out: string[]): void {
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch {
    return
  }
  for (const n of names) {
    const p = join(dir, n)
    const st = statSync(p, { throwIfNoEntry: false })
    if (st?.isDirectory()) walk(p, out)
    else if (st?.isFile() && TEXT_FILE.test(n) && st.size <= MAX_FILE) out.push(p)
  }
}

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
  for (const d of FOLDERS) walk(join(root, d), paths)
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

import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { collectConfigFiles, walkFiles } from '../bundles/configFiles'
import { UserInputError } from '../engine/errors'
import type { ConfigSnapshot } from './variantJob'

/** Folders whose every file a variant may load as code or data (custom tools, custom evaluators). */
const CODE_FOLDERS = ['tools', 'evaluators']
const MAX_FILE = 1024 * 1024


/**
 * The config folder a remote variant needs (coordinator side): agents.yml, config.json,
 * templates/**, evals/** and the spec (scrubbed of `secrets`, as a bundle has them), plus every
 * file under tools/ and evaluators/ (custom tools and evaluators with their data), byte for byte.
 * Never `.env`: a worker takes its API keys from its own environment.
 */
export function buildConfigSnapshot(configDir: string, specFile: string, secrets: readonly string[]): ConfigSnapshot {
  const text = collectConfigFiles(configDir, [specFile], secrets)
  const base64: Record<string, string> = {}
  const root = resolve(configDir)
  for (const folder of CODE_FOLDERS) {
    const files: string[] = []
    walkFiles(join(root, folder), (_name, size) => size <= MAX_FILE, files)
    for (const f of files) base64[relative(root, f).split(sep).join('/')] = readFileSync(f).toString('base64')
  }
  return { text, base64 }
}

/** A relative, `/`-separated path that stays inside its folder; anything else is refused. */
function safePath(jobId: string, p: string): string {
  const parts = p.split('/')
  if (!p || isAbsolute(p) || p.includes('\\') || parts.some((s) => s === '' || s === '.' || s === '..')) {
    throw new UserInputError(`job ${jobId}: config file path "${p}" is not a plain relative path`, 'BAD_JOB')
  }
  return join(...parts)
}

/**
 * Writes a job's config snapshot under `<root>/config-<hash>` (worker side) and returns that
 * folder. Equal snapshots share one folder (written once, through a temp folder and a rename), so
 * every variant of a rollout reuses one engine context.
 */
export function materialiseSnapshot(root: string, jobId: string, snap: ConfigSnapshot): string {
  const h = createHash('sha256').update(JSON.stringify([Object.entries(snap.text).sort(), Object.entries(snap.base64).sort()])).digest('hex').slice(0, 16)
  const dir = join(root, `config-${h}`)
  if (existsSync(join(dir, '.complete'))) return dir
  const tmp = `${dir}.${process.pid}.partial`
  rmSync(tmp, { recursive: true, force: true })
  const put = (p: string, bytes: Buffer) => {
    const file = join(tmp, safePath(jobId, p))
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, bytes)
  }
  for (const [p, t] of Object.entries(snap.text)) put(p, Buffer.from(t, 'utf8'))
  for (const [p, b] of Object.entries(snap.base64)) put(p, Buffer.from(b, 'base64'))
  writeFileSync(join(tmp, '.complete'), '')
  try {
    renameSync(tmp, dir)
  } catch (err) {
    // Another worker process on this home wrote it first: theirs is the same.
    rmSync(tmp, { recursive: true, force: true })
    if (!existsSync(join(dir, '.complete'))) throw err
  }
  return dir
}

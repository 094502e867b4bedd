import { randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LedgerError } from '../../../engine/errors'
import { javaMajorVersion } from '../sandbox/discover'
import { inspectArchive, unpackArchive } from './archive'
import { downloadWithDigest, type DownloadProgress } from './download'
import type { InstallTarget } from './pins'

/** Where releases are installed: `P2ENGINE_HOME/canton/<version>/`. */
export const installRoot = (home: string): string => join(home, 'canton')
const launcher = (dir: string) => join(dir, 'bin', process.platform === 'win32' ? 'canton.bat' : 'canton')

/** Install progress, for the CLI's bar and the app's progress event. */
export type InstallProgress =
  | { phase: 'download'; received: number; total?: number }
  | { phase: 'verify' | 'unpack' | 'done' }

export interface InstallOptions {
  home: string
  target: InstallTarget
  /** Replace an existing install of the same version. */
  force?: boolean
  env?: NodeJS.ProcessEnv
  onProgress?: (p: InstallProgress) => void
  fetch?: typeof globalThis.fetch
  idleTimeoutMs?: number
  /** Cancels the install (nothing is left behind). */
  signal?: AbortSignal
}

export interface InstallResult {
  version: string
  dir: string
  bin: string
  /** False when that version was already installed (and not forced). */
  installed: boolean
  sha256: string
  bytes: number
  /** Java found on PATH/JAVA_HOME and whether it is new enough. */
  java: { major: number | null; ok: boolean; needed: number }
}

/**
 * Downloads the release into a temp folder beside the target, verifies its SHA-256 while
 * streaming, inspects every entry (no traversal), unpacks it, checks `bin/canton`, then renames
 * the folder into place: a failed or interrupted install leaves nothing behind (temp folders of
 * a killed install are removed by the next one).
 */
export async function installCanton(o: InstallOptions): Promise<InstallResult> {
  const root = installRoot(o.home)
  const dir = join(root, o.target.version)
  const needed = o.target.javaMajor
  const javaNow = () => { const major = javaMajorVersion(o.env ?? process.env) ?? null; return { major, ok: major !== null && major >= needed, needed } }
  if (existsSync(launcher(dir)) && !o.force) {
    return { version: o.target.version, dir, bin: launcher(dir), installed: false, sha256: o.target.sha256, bytes: 0, java: javaNow() }
  }
  mkdirSync(root, { recursive: true, mode: 0o700 })
  removeStaleTemps(root)
  const tmp = join(root, `.install-${process.pid}-${randomBytes(4).toString('hex')}`)
  mkdirSync(tmp, { mode: 0o700 })
  try {
    const archive = join(tmp, 'canton.tar.gz')
    const got = await downloadWithDigest(o.target.url, archive, {
      fetch: o.fetch, idleTimeoutMs: o.idleTimeoutMs, signal: o.signal,
      onProgress: (p: DownloadProgress) => o.onProgress?.({ phase: 'download', ...p }),
    })
    o.onProgress?.({ phase: 'verify' })
    if (got.sha256 !== o.target.sha256) {
      throw new LedgerError(
        `the download of ${o.target.url} has SHA-256 ${got.sha256}, expected ${o.target.sha256}; nothing was installed. ` +
        'The file was changed or damaged on the way (or the mirror serves another build): retry, or pass the right digest with --sha256 if you trust that source',
        'CANTON_DIGEST_MISMATCH',
      )
    }
    o.onProgress?.({ phase: 'unpack' })
    const { strip } = await inspectArchive(archive)
    const tree = join(tmp, 'tree')
    await unpackArchive(archive, tree, strip)
    if (!isExecutable(launcher(tree))) {
      throw new LedgerError(`the archive has no executable bin/${process.platform === 'win32' ? 'canton.bat' : 'canton'}; it is not a Canton release`, 'CANTON_ARCHIVE')
    }
    writeFileSync(join(tree, '.p2engine-install.json'), JSON.stringify({ version: o.target.version, url: o.target.url, sha256: got.sha256, installedAt: new Date().toISOString() }, null, 2))
    if (existsSync(dir)) renameSync(dir, join(tmp, 'previous'))
    renameSync(tree, dir)
    o.onProgress?.({ phase: 'done' })
    return { version: o.target.version, dir, bin: launcher(dir), installed: true, sha256: got.sha256, bytes: got.bytes, java: javaNow() }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Installed versions under `P2ENGINE_HOME/canton/`, newest first (by version order). */
export function installedVersions(home: string): Array<{ version: string; dir: string; bin: string }> {
  const root = installRoot(home)
  let names: string[]
  try { names = readdirSync(root) } catch { return [] }
  return names
    .filter((n) => !n.startsWith('.') && isExecutable(launcher(join(root, n))))
    .sort(compareVersions).reverse()
    .map((version) => ({ version, dir: join(root, version), bin: launcher(join(root, version)) }))
}

/** Numeric-aware version order (`3.10.0` after `3.4.9`). */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true })
}

function isExecutable(p: string): boolean {
  try { accessSync(p, constants.X_OK); return statSync(p).isFile() } catch { return false }
}

/** Temp folders of installs whose process is gone (killed mid-download). */
function removeStaleTemps(root: string): void {
  for (const n of readdirSync(root)) {
    const m = /^\.install-(\d+)-/.exec(n)
    if (!m) continue
    const pid = Number(m[1])
    let alive = pid === process.pid
    if (!alive) try { process.kill(pid, 0); alive = true } catch { alive = false }
    if (!alive) rmSync(join(root, n), { recursive: true, force: true })
  }
}

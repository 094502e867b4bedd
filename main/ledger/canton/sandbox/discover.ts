import { spawnSync } from 'node:child_process'
import { accessSync, constants, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** A Canton launcher found on this machine. */
export interface CantonInstall {
  /** `canton`: the Canton release launcher (`canton sandbox …`); `dpm`: the Daml package manager (`dpm sandbox …`). */
  kind: 'canton' | 'dpm'
  bin: string
  /**
   * Where it was found: CANTON_BIN, CANTON_HOME, INSTALLED (`p2engine ledger canton install`,
   * under P2ENGINE_HOME/canton/<version>), BUNDLED (the packaged app's resources) or PATH.
   */
  source: 'CANTON_BIN' | 'CANTON_HOME' | 'INSTALLED' | 'BUNDLED' | 'PATH'
  /** The release version, when known (installed releases). */
  version?: string
}

/** Where else to look besides the environment. */
export interface DiscoverPlaces {
  /** P2ENGINE_HOME: releases installed by `p2engine ledger canton install`. */
  home?: string
  /** The packaged app's resources folder (`process.resourcesPath`): `canton/bin/canton`. */
  resourcesPath?: string
}

/** The Electron resources folder of a packaged app, or undefined (CLI, dev). */
export function bundledResourcesPath(): string | undefined {
  return (process as { resourcesPath?: string }).resourcesPath
}

const launcherIn = (dir: string) => join(dir, 'bin', process.platform === 'win32' ? 'canton.bat' : 'canton')

/** The newest release installed under `P2ENGINE_HOME/canton/` (numeric version order). */
function newestInstalled(home: string): { version: string; bin: string } | undefined {
  let names: string[]
  try { names = readdirSync(join(home, 'canton')) } catch { return undefined }
  const found = names.filter((n) => !n.startsWith('.') && executable(launcherIn(join(home, 'canton', n))))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
  return found[0] ? { version: found[0], bin: launcherIn(join(home, 'canton', found[0])) } : undefined
}

const executable = (p: string): boolean => {
  try { accessSync(p, constants.X_OK); return true } catch { return false }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    for (const ext of process.platform === 'win32' ? ['.bat', '.cmd', '.exe', ''] : ['']) {
      const p = join(dir, name + ext)
      if (executable(p)) return p
    }
  }
  return undefined
}

/**
 * Finds Canton: `CANTON_BIN`, then `CANTON_HOME/bin/canton`, then the newest release installed
 * under `P2ENGINE_HOME/canton/`, then the one bundled in the app's resources, then `canton` or
 * `dpm` on PATH.
 */
export function discoverCanton(env: NodeJS.ProcessEnv = process.env, places: DiscoverPlaces = {}): CantonInstall | undefined {
  if (env.CANTON_BIN) {
    if (!executable(env.CANTON_BIN)) return undefined
    return { kind: /(^|[\\/])dpm(\.\w+)?$/.test(env.CANTON_BIN) ? 'dpm' : 'canton', bin: env.CANTON_BIN, source: 'CANTON_BIN' }
  }
  if (env.CANTON_HOME) {
    const p = join(env.CANTON_HOME, 'bin', process.platform === 'win32' ? 'canton.bat' : 'canton')
    if (executable(p)) return { kind: 'canton', bin: p, source: 'CANTON_HOME' }
  }
  const installed = places.home ? newestInstalled(places.home) : undefined
  if (installed) return { kind: 'canton', bin: installed.bin, source: 'INSTALLED', version: installed.version }
  if (places.resourcesPath) {
    const p = launcherIn(join(places.resourcesPath, 'canton'))
    if (executable(p)) return { kind: 'canton', bin: p, source: 'BUNDLED' }
  }
  const canton = onPath('canton', env)
  if (canton) return { kind: 'canton', bin: canton, source: 'PATH' }
  const dpm = onPath('dpm', env)
  if (dpm) return { kind: 'dpm', bin: dpm, source: 'PATH' }
  return undefined
}

/** The major Java version on PATH (or JAVA_HOME), or undefined when there is no java. */
export function javaMajorVersion(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const java = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java'
  const r = spawnSync(java, ['-version'], { env, encoding: 'utf8', timeout: 20_000 })
  if (r.error || r.status !== 0) return undefined
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`)
  if (!m) return undefined
  return m[1] === '1' ? Number(m[2]) : Number(m[1])
}

/** What to install when Canton (or a suitable Java) is missing. */
export function installHint(problem: 'canton' | 'java', javaVersion?: number): string {
  const lines = problem === 'canton'
    ? ['Canton was not found (looked at CANTON_BIN, CANTON_HOME/bin/canton, P2ENGINE_HOME/canton/<version>, the app bundle, and canton or dpm on PATH).']
    : [javaVersion ? `Canton needs Java 17 or newer; found Java ${javaVersion}.` : 'Canton needs Java 17 or newer; no java was found on PATH (or JAVA_HOME).']
  lines.push(
    'To use the Canton ledger backend:',
    '  1. Install Java 17+:',
    ...JAVA_INSTALL_LINES.map((l) => `       ${l}`),
    '  2. Install Canton: p2engine ledger canton install (or the Install button in Wallets → Ledger backend);',
    '     or unpack an open-source Canton 3.x release and set CANTON_HOME to its folder; or install dpm (Daml 3.4+).',
    '  3. Build the Daml model once: sh daml/build.sh',
    '  4. Run: p2engine ledger canton start',
    'The embedded ledger (the default) needs none of this.',
  )
  return lines.join('\n')
}

/** How to get Java 17 on each platform. */
export const JAVA_INSTALL_LINES = [
  'Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless',
  'macOS (Homebrew): brew install openjdk@17',
  'Windows: winget install EclipseAdoptium.Temurin.17.JRE',
]

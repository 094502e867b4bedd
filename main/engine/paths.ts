import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The product name; Electron's `userData` is `<appData>/<productName>`. */
export const APP_NAME = 'P2Engine'

/**
 * The per-user application data directory, the same folder Electron's `app.getPath('appData')`
 * returns: `%APPDATA%` on Windows, `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME`
 * or `~/.config` elsewhere.
 */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return env.APPDATA ?? join(homedir(), 'AppData', 'Roaming')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support')
  return env.XDG_CONFIG_HOME || join(homedir(), '.config')
}

/** Where all state lives: `P2ENGINE_HOME`, else Electron's `userData` folder for the app. */
export function p2engineHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.P2ENGINE_HOME ? resolve(env.P2ENGINE_HOME) : join(appDataDir(env), APP_NAME)
}

/** Well-known files and folders under the home directory. */
export function homePaths(home: string) {
  return {
    home,
    database: join(home, 'p2engine.db'),
    logs: join(home, 'logs'),
    artifacts: join(home, 'artifacts'),
  }
}

/** The installed P2Engine package folder (holds the shipped `config/` and `daml/`), found upwards from this module. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'p2engine') return dir
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) return null
  }
}

// Test helpers for CLI command tests (imported only by *.test.ts).
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SHIPPED_CONFIG, tempDir } from '../../engine/config/testDirs'
import { runCli } from '../program'
import { visibleWidth } from '../tableLayout'
import { arrayReader, type InteractiveIo } from './lineInput'

const ANSI = /\u001b\[[0-9;]*m/g

export interface RunResult {
  code: number
  out: string
  err: string
  /** `out` split into lines. */
  lines: string[]
}

export interface RunOptions {
  /** Lines the command reads (chat, shell). */
  input?: string[]
  signal?: AbortSignal
  /** Receives raw (streamed) writes; without it tokens are not streamed. */
  write?: (t: string) => void
  /** Live view of the output while the command runs. */
  onOut?: (line: string) => void
}

/**
 * An isolated CLI environment: temp P2ENGINE_HOME, the shipped config (or a copy with extra
 * agents), no API key and a loopback base URL where nothing listens, so the router falls back to
 * the offline scripted model without touching the network.
 */
export function cliEnv(extraAgentsYaml?: string) {
  const root = mkdtempSync(join(tmpdir(), 'p2cli-'))
  let configDir = SHIPPED_CONFIG
  if (extraAgentsYaml) {
    configDir = join(root, 'config')
    cpSync(SHIPPED_CONFIG, configDir, { recursive: true })
    appendFileSync(join(configDir, 'agents.yml'), extraAgentsYaml)
  }
  writeFileSync(join(root, 'empty.env'), '')
  const env: NodeJS.ProcessEnv = {
    P2ENGINE_HOME: join(root, 'home'),
    P2ENGINE_CONFIG_DIR: configDir,
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    DOTENV_PATH: join(root, 'empty.env'),
  }
  const run = runnerFor(env)
  return { root, env, configDir, run, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

export type CliEnv = ReturnType<typeof cliEnv>

/** Runs the CLI in-process with `env`, capturing stdout and stderr (colour codes removed). */
export function runnerFor(env: NodeJS.ProcessEnv): (argv: string[], o?: RunOptions) => Promise<RunResult> {
  return async function run(argv, o = {}) {
    const out: string[] = []
    const err: string[] = []
    const io: InteractiveIo = {
      out: (t) => {
        const s = t.replace(ANSI, '')
        out.push(s)
        o.onOut?.(s)
      },
      err: (t) => void err.push(t.replace(ANSI, '')),
      ...(o.input ? { input: arrayReader(o.input) } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.write ? { write: o.write } : {}),
    }
    const code = await runCli(argv, io, env)
    const text = out.join('\n')
    return { code, out: text, err: err.join('\n'), lines: text === '' ? [] : text.split('\n') }
  }
}

/** Replaces conversation ids (`chat_<uuid>`) and 8-hex branch ids for whole-output comparisons. */
export const normalise = (s: string): string =>
  s.replace(/chat_[0-9a-f-]{36}/g, 'chat_<id>').replace(/\b[0-9a-f]{8}\b/g, '<branch>')

/** Lines of `out` wider than `width` terminal columns. */
export const tooWide = (out: string, width = 100): string[] => out.split('\n').filter((l) => visibleWidth(l) > width)

/** Newest modification time (ms) of any file under `dirs` (relative to the repository root). */
function newestSource(root: string, dirs: readonly string[]): number {
  let newest = 0
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const d of dirs) walk(join(root, d))
  return newest
}

/**
 * The argv that runs the real CLI in a child process: the built `out/main/cli.js` when it is
 * newer than every source (CI builds before the tests; a cold start is ~0.5 s), else the
 * TypeScript sources through tsx (~1.5 s, and its worker threads transpile again), so a test
 * never runs a stale build.
 */
export function cliCommand(root: string): string[] {
  const built = join(root, 'out', 'main', 'cli.js')
  const fresh = existsSync(built) && statSync(built).mtimeMs >= newestSource(root, ['main', 'workers', 'preload'])
  return fresh ? [process.execPath, join(root, 'bin', 'p2engine.cjs')] : [process.execPath, '--import', 'tsx', join(root, 'main', 'cli', 'index.ts')]
}

/**
 * A temp project with a copy of the shipped config folder; `run` runs the CLI in-process against
 * it (home inside the project, no API key) and returns exit code, stdout and stderr without colours.
 */
export function shippedProject(env: Record<string, string> = {}) {
  const dir = tempDir()
  cpSync(SHIPPED_CONFIG, join(dir, 'config'), { recursive: true })
  const run = async (...argv: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const io = { out: (t: string) => out.push(t.replace(ANSI, '')), err: (t: string) => err.push(t.replace(ANSI, '')) }
    const code = await runCli(['--config', join(dir, 'config'), ...argv], io, { P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: '', ...env })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  return { dir, env, run, spec: (name: string) => join(dir, 'config', name) }
}

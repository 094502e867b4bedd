// Test helpers for CLI command tests (imported only by *.test.ts).
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SHIPPED_CONFIG } from '../../engine/config/testDirs'
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
  async function run(argv: string[], o: RunOptions = {}): Promise<RunResult> {
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
  return { root, env, configDir, run, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

export type CliEnv = ReturnType<typeof cliEnv>

/** Replaces conversation ids (`chat_<uuid>`) and 8-hex branch ids for whole-output comparisons. */
export const normalise = (s: string): string =>
  s.replace(/chat_[0-9a-f-]{36}/g, 'chat_<id>').replace(/\b[0-9a-f]{8}\b/g, '<branch>')

/** Lines of `out` wider than `width` terminal columns. */
export const tooWide = (out: string, width = 100): string[] => out.split('\n').filter((l) => visibleWidth(l) > width)

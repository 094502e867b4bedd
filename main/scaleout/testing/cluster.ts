// Test helpers for distributed rollouts (imported only by *.test.ts): a real redis-server, the
// OpenAI-compatible fake, and real `p2engine` processes, each with its own P2ENGINE_HOME
// standing in for a machine.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { SHIPPED_CONFIG } from '../../engine/config/testDirs'
import { startFakeOpenAi, type FakeOpenAi } from '../../engine/testing/fakeOpenAi'
import { runnerFor } from '../../cli/commands/cliTestKit'
import { startRedis, type RedisServer } from './redisServer'

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'index.ts')
export const SECRET = 'coordinator-and-workers-share-this'

/** A judge-shaped answer: the agent answers with it and the judge parses it. */
const ANSWER = JSON.stringify({ score: 0.9, comment: 'fine' })

export interface Proc {
  child: ChildProcess
  lines: string[]
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

export interface Cluster {
  redis: RedisServer
  model: FakeOpenAi
  root: string
  /** The environment of a "machine" (its own home), pointed at the fake model. */
  env(home: string, extra?: Record<string, string>): NodeJS.ProcessEnv
  /** Starts `p2engine <args>` as a process of machine `home`. */
  spawnCli(home: string, args: string[], extra?: Record<string, string>): Proc
  /** Starts a worker and waits until it takes jobs. */
  worker(name: string, concurrency?: number): Promise<Proc>
  /** Runs the CLI in this process as machine `home` (the coordinator). */
  run(home: string, ...args: string[]): ReturnType<ReturnType<typeof runnerFor>>
  stop(): Promise<void>
}

/**
 * Redis, the fake model (`latencyMs` per request) and a temp folder for the machines' homes.
 * `offline`: no API key, so the offline scripted model answers (it pays, when a task says so);
 * `ledger`: the embedded ledger on (default off); `aof`: Redis keeps its data over a restart.
 */
export async function startCluster(o: { latencyMs?: number; lockMs?: number; offline?: boolean; ledger?: boolean; aof?: boolean } = {}): Promise<Cluster> {
  const redis = await startRedis({ aof: o.aof ?? false })
  const model = await startFakeOpenAi([], { latencyMs: o.latencyMs ?? 0, fallback: { content: ANSWER } })
  const root = mkdtempSync(join(tmpdir(), 'p2cluster-'))
  writeFileSync(join(root, 'empty.env'), '')
  const procs: Proc[] = []
  const env = (home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH, HOME: process.env.HOME,
    P2ENGINE_HOME: join(root, home), P2ENGINE_CONFIG_DIR: SHIPPED_CONFIG, DOTENV_PATH: join(root, 'empty.env'),
    OPENAI_BASE_URL: o.offline ? 'http://127.0.0.1:9/v1' : model.baseUrl, OPENAI_API_KEY: o.offline ? '' : 'sk-test-cluster', P2ENGINE_JOB_SECRET: SECRET, REDIS_URL: redis.url,
    P2ENGINE_JOB_LOCK_MS: String(o.lockMs ?? 3000), LEDGER_ENABLED: o.ledger ? 'true' : 'false', COLUMNS: '160',
    ...extra,
  })
  const spawnCli = (home: string, args: string[], extra?: Record<string, string>): Proc => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: env(home, extra), stdio: ['ignore', 'pipe', 'pipe'] })
    const lines: string[] = []
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l))
    createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`stderr: ${l}`))
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)))
    const p = { child, lines, exited }
    procs.push(p)
    return p
  }
  return {
    redis, model, root, env, spawnCli,
    worker: async (name, concurrency = 2) => {
      const p = spawnCli(name, ['worker', '--name', name, '--concurrency', String(concurrency)])
      await until(() => p.lines.some((l) => l.includes('takes variant jobs')) || p.child.exitCode !== null, 15_000, `worker ${name} to start`)
      if (p.child.exitCode !== null) throw new Error(`worker ${name} exited: ${p.lines.join('\n')}`)
      return p
    },
    run: (home, ...args) => runnerFor(env(home))(args),
    stop: async () => {
      for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
      await Promise.all(procs.map((p) => p.exited))
      await model.close()
      await redis.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Worker log lines saying job `jobId` started (one per attempt). */
export const starts = (p: Proc, jobId: string): number => p.lines.filter((l) => l.includes(` ${jobId} started`)).length

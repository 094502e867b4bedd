// Distributed rollout benchmark (issue 14): 200 variants against the fake model with 100 ms
// latency, one coordinator (this process) and 1, 2 and 4 `p2engine worker` processes with
// --concurrency 16 each, on a real redis-server; against a local run with the same total
// concurrency (the single-writer executor, the local default).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { inThreadVariants } from '../main/compose/inThreadVariants'
import { queuedVariants } from '../main/compose/queuedVariants'
import { composeJobQueue } from '../main/compose/scaleout'
import { loadConfig } from '../main/engine/config/load'
import { EvaluatorRegistry } from '../main/engine/evals/registry'
import type { VariantExecutor } from '../main/engine/rollouts/pool'
import { createRollout, runRollout, type RolloutDeps } from '../main/engine/rollouts/runner'
import { loadRolloutSpec } from '../main/engine/rollouts/spec'
import { builtinRegistry } from '../main/engine/tools/builtins'
import { APP_VERSION } from '../main/cli/version'
import { buildConfigSnapshot } from '../main/scaleout/configSnapshot'
import { parseRedisUrl } from '../main/scaleout/redisConfig'
import { startRedis } from '../main/scaleout/testing/redisServer'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import { openStore } from '../main/storage/sqliteStore'
import { benchBullmqFloor } from './bullmqFloor'
import type { BenchRow } from './report'
import { startSlowModel } from './rolloutModel'
import { specYaml } from './rollouts'

const CONFIG = fileURLToPath(new URL('../config', import.meta.url))
const CLI = fileURLToPath(new URL('../main/cli/index.ts', import.meta.url))
const VARIANTS = 200
const PER_WORKER = 16
/** Single-variant rollouts run one after another to measure the queue's overhead without a burst. */
const SINGLES = 15
/** Variants each process runs before the measured run (the spec generator makes at most 400). */
const WARM_PER_PROCESS = 100
const SECRET = 'bench-coordinator-and-workers'
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

interface Timing { queuedMs: number; importMs: number }

/** One coordinator store and a run function over `executor`. */
function coordinator(dir: string, name: string, env: Record<string, string>) {
  const config = loadConfig({ configDir: CONFIG, env: { ...env, P2ENGINE_HOME: dir }, dotenvPath: null })
  const dbPath = join(dir, `${name}.db`)
  const store = openStore(dbPath)
  const repo = new SqliteRolloutStore(store)
  const run = async (executor: VariantExecutor, n: number, parallel: number, lanes?: number): Promise<number> => {
    const file = join(dir, `spec-${name}-${n}-${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, specYaml(n))
    const spec = loadRolloutSpec(file, { configDir: CONFIG, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const deps: RolloutDeps = { repo, executor, ...(lanes ? { lanes } : {}), task: { dbPath, configDir: CONFIG, env, modelMode: 'record' } }
    const r = await createRollout(deps, { specFile: file, source: spec.source, variants: spec.variants.slice(0, n), options: { parallel, strictTools: false, replay: false, taskTimeoutMs: 120_000, ledgerEnabled: false } })
    const t0 = performance.now()
    await runRollout(deps, r.id)
    const ms = performance.now() - t0
    const failed = repo.variants(r.id).filter((v) => v.status !== 'done')
    if (failed.length) throw new Error(`bench variants failed: ${failed[0]!.error}`)
    return ms
  }
  return { config, store, run }
}

/** CPU time (user + system, ms) a child process has used so far (Linux /proc; NaN elsewhere). */
function childCpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [utime, stime] = f.slice(f.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number)
    return ((utime! + stime!) * 1000) / 100 // USER_HZ is 100 on Linux
  } catch {
    return NaN
  }
}
const ownCpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Stops a worker gracefully (SIGTERM: it finishes, so a --cpu-prof profile is written), SIGKILL after 5 s. */
async function stopWorker(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return
  const exited = new Promise((r) => w.once('exit', r))
  w.kill('SIGTERM')
  const t = setTimeout(() => w.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(t)
}

function startWorker(name: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', CLI, 'worker', '--name', name, '--concurrency', String(PER_WORKER)], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => { if (l.includes('takes variant jobs')) resolve(child) })
    child.once('exit', (code) => reject(new Error(`bench worker ${name} exited with code ${code}`)))
  })
}

export async function benchDistributed(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-dist-'))
  writeFileSync(join(dir, 'empty.env'), '')
  const model = await startSlowModel(100)
  const redis = await startRedis()
  // The model limit is shared by all workers on the Redis (the cluster's quota): room for 4 × 16.
  const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: model.baseUrl, LEDGER_ENABLED: 'false', P2ENGINE_JOB_SECRET: SECRET, P2ENGINE_MODEL_CONCURRENCY: 'openai=64' }
  const rows: BenchRow[] = []
  const workers: ChildProcess[] = []
  try {
    for (const n of (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number)) {
      const total = n * PER_WORKER
      // Local run with the same total concurrency: warm-up, then the measured run.
      const local = coordinator(dir, `local-${n}`, env)
      const pool = inThreadVariants({ store: local.store, parallel: total, groupCommit: true })
      await local.run(pool.run, WARM_PER_PROCESS, total)
      const localMs = await local.run(pool.run, VARIANTS, total)
      await pool.close()
      local.store.close()
      // Workers: n processes, each with its own home (a machine each).
      while (workers.length < n) {
        const i = workers.length + 1
        workers.push(await startWorker(`bench-w${i}`, { ...process.env, ...env, DOTENV_PATH: join(dir, 'empty.env'), P2ENGINE_HOME: join(dir, `w${i}`), REDIS_URL: redis.url }))
      }
      const c = coordinator(dir, `coord-${n}`, env)
      const timings: Timing[] = []
      const queue = await composeJobQueue(parseRedisUrl(redis.url, 'bench', 'flag'), SECRET, APP_VERSION)
      const exec = queuedVariants({
        queue, host: { store: c.store, home: dir, config: c.config, env }, snapshot: (r) => buildConfigSnapshot(CONFIG, r.specFile, []),
        ledger: { enabled: false, backend: 'embedded' }, modelMode: 'record', onTiming: (t) => timings.push(t),
      })
      // Warm every worker (engine context, config snapshot, HTTP keep-alive, and V8's optimised code:
      // long-running workers run warm, and 32 variants per process left 4 workers' CPU per variant
      // at 1.7× a warm one), then measure.
      await c.run(exec.run, WARM_PER_PROCESS * n, total, Number.MAX_SAFE_INTEGER)
      timings.length = 0
      const cpu0 = [ownCpuMs(), ...workers.slice(0, n).map((w) => childCpuMs(w.pid))]
      const ms = await c.run(exec.run, VARIANTS, total, Number.MAX_SAFE_INTEGER)
      const cpu1 = [ownCpuMs(), ...workers.slice(0, n).map((w) => childCpuMs(w.pid))]
      const coordCpu = (cpu1[0]! - cpu0[0]!) / VARIANTS
      const workerCpu = cpu1.slice(1).reduce((a, b, i) => a + b - cpu0[i + 1]!, 0) / VARIANTS
      // The queue's cost in a burst, from the first wave only (later jobs wait for a free slot by design).
      const firstWave = timings.slice(0, total)
      const wave = { queued: median(firstWave.map((t) => t.queuedMs)), imported: median(timings.map((t) => t.importMs)) }
      // The queue's own overhead without a burst: one variant at a time to idle workers.
      timings.length = 0
      for (let i = 0; i < SINGLES; i++) await c.run(exec.run, 1, 1)
      const single = { queued: median(timings.map((t) => t.queuedMs)), imported: median(timings.map((t) => t.importMs)) }
      await exec.close()
      c.store.close()
      const ratio = localMs / ms
      rows.push(
        { name: `${VARIANTS} variants on ${n} worker process${n > 1 ? 'es' : ''} × --concurrency ${PER_WORKER}`, value: ms, unit: 'ms', note: `${(VARIANTS / (ms / 1000)).toFixed(1)} variants/s; local single writer with --parallel ${total}: ${localMs.toFixed(0)} ms (${(VARIANTS / (localMs / 1000)).toFixed(1)} variants/s)` },
        { name: `  ratio to the local run (local ms / distributed ms), ${n} × ${PER_WORKER}`, value: ratio * 100, unit: '%', ...(n === 4 ? { target: '≥ 85%', ok: ratio >= 0.85 } : {}) },
        { name: `  queue overhead per variant, ${n} × ${PER_WORKER}: enqueue → start, one job at a time (median of ${SINGLES})`, value: single.queued, unit: 'ms', target: '≤ 5 ms', ok: single.queued <= 5 },
        { name: `  queue overhead per variant, ${n} × ${PER_WORKER}: finish → imported, one job at a time (median of ${SINGLES})`, value: single.imported, unit: 'ms', target: '≤ 5 ms', ok: single.imported <= 5 },
        { name: `  in the 200-variant burst: enqueue → start (median of the first wave)`, value: wave.queued, unit: 'ms', note: 'includes waiting for the worker\'s CPU: it starts 16 variants at once' },
        { name: `  in the 200-variant burst: finish → imported (median)`, value: wave.imported, unit: 'ms' },
        { name: `  CPU per variant, ${n} × ${PER_WORKER}: coordinator process (bench, incl. its rollout runner)`, value: coordCpu, unit: 'ms' },
        { name: `  CPU per variant, ${n} × ${PER_WORKER}: worker processes (sum)`, value: workerCpu, unit: 'ms', note: 'user + system time from /proc' },
      )
    }
    // The same two latencies for BullMQ alone on this machine: the floor the rows above sit on.
    const floor = await benchBullmqFloor(redis.url, 1000)
    rows.push(
      { name: '  BullMQ alone (no P2Engine; a trivial job, 1 KB result, a worker process): enqueue → start, one job at a time', value: floor.queued, unit: 'ms', note: 'the floor of the queue rows above on this machine' },
      { name: '  BullMQ alone: finish → completed event received, one job at a time', value: floor.finished, unit: 'ms', note: 'finish → imported adds the import (verify, unzip, one transaction)' },
    )
    return rows
  } finally {
    await Promise.all(workers.map(stopWorker))
    await redis.stop()
    await model.close()
    if (process.env.BENCH_KEEP) console.error('kept', dir)
    else rmSync(dir, { recursive: true, force: true })
  }
}

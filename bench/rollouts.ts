// Rollout benchmark: 200 variants against a local fake OpenAI-compatible model with 100 ms latency.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../main/engine/config/load'
import { DETERMINISTIC_EVALUATORS } from '../main/engine/evals/builtins'
import { parseJudgeReply } from '../main/engine/evals/judge'
import { EvaluatorRegistry } from '../main/engine/evals/registry'
import type { EvalInput } from '../main/engine/evals/types'
import { variantPool } from '../main/engine/rollouts/pool'
import { createRollout, runRollout, type RolloutDeps } from '../main/engine/rollouts/runner'
import { loadRolloutSpec } from '../main/engine/rollouts/spec'
import { builtinRegistry } from '../main/engine/tools/builtins'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import { openStore } from '../main/storage/sqliteStore'
import { inThreadVariants } from '../main/compose/inThreadVariants'
import type { ModelProvider } from '../main/engine/ports/model'
import { countBusyWaits } from './busy'
import type { BenchRow } from './report'
import { startSlowModel } from './rolloutModel'
import { threadCpuMs, threadTicks } from './threadCpu'

const CONFIG = fileURLToPath(new URL('../config', import.meta.url))
const LATENCY_MS = 100
const VARIANTS = 200
const PARALLEL = 32

/** A rollout YAML with `n` variants (grid of temperature × top_p) and the judge. */
export function specYaml(n: number, judge = true): string {
  const temps = Array.from({ length: Math.min(n, 20) }, (_, i) => (i / 10).toFixed(1))
  const tops = Array.from({ length: Math.ceil(n / temps.length) }, (_, i) => (0.5 + i / 40).toFixed(3))
  return `teams:\n  bench:\n    initial_message: Tell me something nice.\n    base: { agent_id: agent_alpha, model: openai/gpt-4o, tools: [] }\n    variants:\n      temperature: [${temps.join(', ')}]\n      top_p: [${tops.join(', ')}]\n${judge ? '    eval: { evaluator_id: gpt4_judge, model: openai/gpt-4o-mini }\n' : ''}`
}

type Mode = 'writer' | 'engine' | 'autocommit' | 'pool'
const MODES: Record<Mode, string> = {
  engine: 'single writer, in-process model (no HTTP): the engine alone',
  writer: 'single writer (variants in-thread, one connection, group commit)',
  autocommit: 'single writer without group commit (as in the app)',
  pool: `worker pool (${PARALLEL} threads, ${PARALLEL + 1} connections; before)`,
}

/** Where a variant's CPU ran (Linux): the engine's thread, and the others (model HTTP thread, V8 GC and compiler helpers, checkpoints). */
const split = (t: { main: number; other: number } | null): string => (t ? `; main thread ${t.main.toFixed(2)} ms, other threads ${t.other.toFixed(2)} ms (1/100 s ticks)` : '')

/** One mode: warm-up, 5 single runs, the 200-variant run (with and without the judge), counted. */
async function benchMode(mode: Mode, dir: string, baseUrl: string): Promise<{ rows: BenchRow[]; efficiency: number }> {
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: baseUrl }
  const config = loadConfig({ configDir: CONFIG, env, dotenvPath: null })
  const dbPath = join(dir, `p2engine-${mode}.db`)
  const store = openStore(dbPath)
  // The pool's 32 worker connections would make the host's own autocommit statements fail at busy_timeout 0.
  const busy = mode === 'pool' ? { waits: 0 } : countBusyWaits(store.db)
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const executor = mode === 'pool' ? variantPool(PARALLEL, { keepWarm: true }) : inThreadVariants({ store, ledger, parallel: PARALLEL, groupCommit: mode !== 'autocommit', ...(mode === 'engine' ? { model: inProcessModel() } : {}) })
  const deps: RolloutDeps = { repo: new SqliteRolloutStore(store), ledger, executor: executor.run, task: { dbPath, configDir: CONFIG, env, modelMode: 'record' } }
  const run = async (n: number, parallel: number, judge = true) => {
    const file = join(dir, `spec-${n}-${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, specYaml(n, judge))
    const spec = loadRolloutSpec(file, { configDir: CONFIG, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const r = await createRollout(deps, { specFile: file, source: spec.source, variants: spec.variants.slice(0, n), options: { parallel, strictTools: false, replay: false, taskTimeoutMs: 120_000 } })
    const waits0 = busy.waits
    const profile = process.env.BENCH_CPU_PROF && n === VARIANTS && !judge ? await startProfile() : null
    const ticks0 = threadTicks()
    const cpu0 = process.cpuUsage()
    const elu0 = performance.eventLoopUtilization()
    const t0 = performance.now()
    await runRollout(deps, r.id)
    const ms = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const threads = threadCpuMs(ticks0, threadTicks())
    const elu = performance.eventLoopUtilization(elu0)
    if (profile) await profile.stop(`${process.env.BENCH_CPU_PROF}.${mode}.cpuprofile`)
    const rows = deps.repo.variants(r.id)
    const failed = rows.filter((v) => v.status !== 'done')
    if (failed.length) throw new Error(`bench variants failed: ${failed[0]!.error}`)
    if (rows.some((v) => v.metrics?.usage.offline || v.metrics?.usage.calls === 0)) throw new Error('bench variants were answered offline; the fake model was not used')
    const calls = rows.reduce((a, v) => a + v.metrics!.usage.calls + v.metrics!.judgeUsage.calls, 0)
    const modelMs = rows.reduce((a, v) => a + v.metrics!.usage.modelMs + v.metrics!.judgeUsage.modelMs, 0)
    if (process.env.BENCH_DEBUG) console.error(mode, n, parallel, judge, { ms, calls, avgModelMs: modelMs / calls, cpuMs: (cpu.user + cpu.system) / 1000 })
    return { ms, cpuMsPerVariant: (cpu.user + cpu.system) / 1000 / n, threads: threads && { main: threads.mainMs / n, other: threads.otherMs / n }, writerBusyMsPerVariant: elu.active / n, busyWaits: busy.waits - waits0, avgModelMs: modelMs / calls }
  }
  try {
    await run(PARALLEL, PARALLEL) // warm every thread / the engine (tsx transpile, SQLite, HTTP keep-alive)
    const singles: number[] = []
    for (let i = 0; i < 5; i++) singles.push((await run(1, 1)).ms)
    singles.sort((a, b) => a - b)
    const single = singles[2]!
    const par = await run(VARIANTS, PARALLEL)
    const noJudge = await run(VARIANTS, PARALLEL, false)
    const rounds = Math.ceil(VARIANTS / PARALLEL)
    const ideal = single * rounds
    const efficiency = ideal / par.ms
    const tag = mode === 'writer' ? '' : ` [${mode === 'engine' ? 'engine alone, in-process model' : mode}]`
    return {
      efficiency,
      rows: [
        { name: `single variant${tag} (agent call + judge call, 2 × ${LATENCY_MS} ms model latency)`, value: single, unit: 'ms', note: 'median of 5, warm' },
        { name: `${VARIANTS} variants, --parallel ${PARALLEL}${tag}: ideal (${rounds} rounds × single)`, value: ideal, unit: 'ms' },
        { name: `${VARIANTS} variants, --parallel ${PARALLEL}${tag}: measured`, value: par.ms, unit: 'ms', note: `${(VARIANTS / (par.ms / 1000)).toFixed(1)} variants/s, model call ${par.avgModelMs.toFixed(0)} ms avg as seen by the client, speedup ${((single * VARIANTS) / par.ms).toFixed(1)}× of ideal ${(VARIANTS / rounds).toFixed(1)}×` },
        { name: `parallel efficiency${tag} (ideal / measured)`, value: efficiency * 100, unit: '%', target: '≥ 90%', ok: efficiency >= 0.9, note: `speedup / ${PARALLEL} lanes: ${(((single * VARIANTS) / par.ms / PARALLEL) * 100).toFixed(1)} % (at most ${((VARIANTS / rounds / PARALLEL) * 100).toFixed(0)} % with ${rounds} rounds)${mode === 'pool' ? '; lock waits not counted (a connection per thread)' : ''}` },
        { name: `CPU per variant${tag} (this process, all threads; judge included)`, value: par.cpuMsPerVariant, unit: 'ms', note: `model server in its own process, not counted${split(par.threads)}` },
        { name: `CPU per variant${tag}, judge excluded (same rollout without eval)`, value: noJudge.cpuMsPerVariant, unit: 'ms', target: '≤ 3 ms', ok: noJudge.cpuMsPerVariant <= 3, note: `${noJudge.ms.toFixed(0)} ms wall${split(noJudge.threads)}` },
        { name: `writer thread busy per variant${tag} (event-loop active time, wall-based; judge included / excluded)`, value: par.writerBusyMsPerVariant, unit: 'ms', note: `${noJudge.writerBusyMsPerVariant.toFixed(2)} ms without judge; the ${mode === 'pool' ? 'runner' : 'engine and SQLite'} thread, model HTTP ${mode === 'writer' ? 'on its own thread' : mode === 'engine' ? 'absent' : 'on this thread'}` },
        ...(mode === 'pool' ? [] : [{ name: `SQLITE_BUSY lock waits${tag} (host connection, both 200-variant runs)`, value: par.busyWaits + noJudge.busyWaits, unit: 'waits', target: '0', ok: par.busyWaits + noJudge.busyWaits === 0, note: 'busy_timeout=0 + retry counter' }]),
      ],
    }
  } finally {
    await executor.close()
    store.close()
  }
}

export async function benchRollouts(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-ro-'))
  const model = await startSlowModel(LATENCY_MS)
  // BENCH_ROLLOUT_MODES=writer,engine,autocommit,pool picks the executors (the pool is slow to warm: 32 threads).
  const modes = (process.env.BENCH_ROLLOUT_MODES ?? 'writer,engine').split(',').map((s) => s.trim()).filter((s): s is Mode => s in MODES)
  try {
    const rows: BenchRow[] = []
    for (const mode of modes) {
      try {
        rows.push(...(await benchMode(mode, dir, model.baseUrl)).rows)
      } catch (err) {
        rows.push({ name: `${MODES[mode]}: did not finish`, value: 0, unit: '', note: err instanceof Error ? err.message : String(err) })
      }
    }
    return [...rows, ...evaluatorThroughput()]
  } finally {
    await model.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A model in this process that answers every call (agent and judge) after the same latency, with no HTTP. */
function inProcessModel(): ModelProvider {
  return {
    label: 'bench in-process model',
    complete: async (request) => {
      await sleep(LATENCY_MS)
      return {
        message: { content: '{"score": 0.8, "comment": "fake"}', toolCalls: [] }, usage: { promptTokens: 200, completionTokens: 20 },
        costUsd: 0.0001, model: request.model, provider: 'openai', latencyMs: LATENCY_MS, offline: false,
      }
    },
  }
}

/** BENCH_CPU_PROF=path: a CPU profile of this thread over the 200-variant run without judge. */
async function startProfile(): Promise<{ stop: (file: string) => Promise<void> }> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    stop: async (file) => {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
      console.error(`CPU profile: ${file}`)
    },
  }
}

/** Deterministic evaluators and judge-reply parsing, measured on the main thread. */
function evaluatorThroughput(): BenchRow[] {
  const input: EvalInput = {
    conversationId: 'c', agentId: 'a', answer: 'It is 22 °C in Paris; {"ok": true}', traj: [], toolCalls: [{ name: 'get_weather', arguments: {}, status: 'ok', reward: null }],
    transfers: [{ from: 'a', to: 'b', amount: '15', reason: '', transactionId: 't' }], costUsd: 0.001, totalTokens: 100, wallMs: 10, modelMs: 5,
  }
  const params: Record<string, Record<string, unknown>> = {
    contains: { text: 'Paris' }, regex: { pattern: '\\d+ °C' }, json_schema: { schema: { type: 'object' } }, tool_called: { tool: 'get_weather' },
    ledger_delta: { to: 'b', amount: 15 }, cost_under: { usd: 1 }, latency_under: { ms: 100 },
  }
  const n = 20_000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    for (const e of DETERMINISTIC_EVALUATORS) void e.run(input, { configDir: CONFIG, spec: { evaluator_id: e.id, metric: 'score', timeout_sec: 1, params: params[e.id]! }, models: () => { throw new Error('no model') } })
  }
  const det = (n * DETERMINISTIC_EVALUATORS.length) / ((performance.now() - t0) / 1000)
  const t1 = performance.now()
  for (let i = 0; i < n; i++) parseJudgeReply('```json\n{"score": 0.75, "comment": "fine"}\n```')
  const judge = n / ((performance.now() - t1) / 1000)
  return [
    { name: 'deterministic evaluators (7 kinds, main thread)', value: det, unit: 'evals/s', note: 'µs each: cheaper than a 68 µs pool round trip, so they run in the variant task' },
    { name: 'judge reply parse + schema check', value: judge, unit: 'parses/s' },
  ]
}

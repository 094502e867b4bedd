// Rollout benchmark: 200 variants against a local fake OpenAI-compatible model with 100 ms latency.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
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
import { startFakeOpenAi } from '../main/engine/testing/fakeOpenAi'
import { builtinRegistry } from '../main/engine/tools/builtins'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import { openStore } from '../main/storage/sqliteStore'
import type { BenchRow } from './report'

const CONFIG = fileURLToPath(new URL('../config', import.meta.url))
const LATENCY_MS = 100
const VARIANTS = 200
const PARALLEL = 32

/** A rollout YAML with `n` variants (grid of temperature × top_p) and the judge. */
function specYaml(n: number): string {
  const temps = Array.from({ length: Math.min(n, 20) }, (_, i) => (i / 10).toFixed(1))
  const tops = Array.from({ length: Math.ceil(n / temps.length) }, (_, i) => (0.5 + i / 40).toFixed(3))
  return `teams:\n  bench:\n    initial_message: Tell me something nice.\n    base: { agent_id: agent_alpha, model: openai/gpt-4o, tools: [] }\n    variants:\n      temperature: [${temps.join(', ')}]\n      top_p: [${tops.join(', ')}]\n    eval: { evaluator_id: gpt4_judge, model: openai/gpt-4o-mini }\n`
}

/** Every answer (agent and judge) is a valid judge verdict; a proxy adds the latency. */
async function slowModel() {
  const fake = await startFakeOpenAi()
  const upstream = new URL(fake.baseUrl)
  const proxy = createServer((req, res) => {
    if (req.url?.endsWith('/chat/completions')) fake.push({ content: '{"score": 0.8, "comment": "fake"}', usage: { prompt_tokens: 200, completion_tokens: 20 } })
    setTimeout(() => {
      const up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 500, r.headers)
        r.pipe(res)
      })
      req.pipe(up)
    }, req.url?.endsWith('/chat/completions') ? LATENCY_MS : 0)
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  const baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`
  return { baseUrl, close: async () => { proxy.close(); await fake.close() } }
}

export async function benchRollouts(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-ro-'))
  const model = await slowModel()
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: model.baseUrl }
  const config = loadConfig({ configDir: CONFIG, env, dotenvPath: null })
  const dbPath = join(dir, 'p2engine.db')
  const store = openStore(dbPath)
  const pool = variantPool(PARALLEL, { keepWarm: true })
  const deps: RolloutDeps = {
    repo: new SqliteRolloutStore(store), ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }), executor: pool.run,
    task: { dbPath, configDir: CONFIG, env, modelMode: 'record' },
  }
  const run = async (n: number, parallel: number): Promise<{ ms: number; done: number }> => {
    const file = join(dir, `spec-${n}-${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, specYaml(n))
    const spec = loadRolloutSpec(file, { configDir: CONFIG, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const variants = spec.variants.slice(0, n)
    const r = await createRollout(deps, { specFile: file, source: spec.source, variants, options: { parallel, strictTools: false, replay: false, taskTimeoutMs: 120_000 } })
    const t0 = performance.now()
    await runRollout(deps, r.id)
    const ms = performance.now() - t0
    const rows = deps.repo.variants(r.id)
    const failed = rows.filter((v) => v.status !== 'done')
    if (failed.length) throw new Error(`bench variants failed: ${failed[0]!.error}`)
    if (rows.some((v) => v.metrics?.usage.offline)) throw new Error('bench variants were answered offline; the fake model was not used')
    return { ms, done: rows.length }
  }
  try {
    await run(PARALLEL, PARALLEL) // warm every thread (tsx transpile, SQLite, HTTP keep-alive)
    const singles: number[] = []
    for (let i = 0; i < 5; i++) singles.push((await run(1, 1)).ms)
    singles.sort((a, b) => a - b)
    const single = singles[2]!
    const par = await run(VARIANTS, PARALLEL)
    const serial = single * VARIANTS
    const speedup = serial / par.ms
    const rounds = Math.ceil(VARIANTS / PARALLEL)
    const ideal = VARIANTS / rounds
    const evals = evaluatorThroughput()
    return [
      { name: 'single variant (agent call + judge call, 2 × 100 ms model latency)', value: single, unit: 'ms', note: 'median of 5, warm worker' },
      { name: `${VARIANTS} variants, --parallel ${PARALLEL}`, value: par.ms, unit: 'ms', note: `${(VARIANTS / (par.ms / 1000)).toFixed(1)} variants/s` },
      { name: 'serial estimate (200 × single)', value: serial, unit: 'ms' },
      { name: 'speedup vs serial', value: speedup, unit: '×', note: `ideal ${ideal.toFixed(1)}× (${rounds} rounds of ${PARALLEL})` },
      { name: 'parallel efficiency (speedup / 32 lanes)', value: (speedup / PARALLEL) * 100, unit: '%', target: '≥ 90%', ok: speedup / PARALLEL >= 0.9 },
      { name: 'parallel efficiency vs ideal schedule', value: (speedup / ideal) * 100, unit: '%', target: '≥ 90%', ok: speedup / ideal >= 0.9 },
      ...evals,
    ]
  } finally {
    await pool.close()
    store.close()
    await model.close()
    rmSync(dir, { recursive: true, force: true })
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

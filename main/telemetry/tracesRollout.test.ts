import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeThreadContexts } from '../../workers/runVariant'
import { loadConfig } from '../engine/config/load'
import { EvaluatorRegistry } from '../engine/evals/registry'
import { variantPool } from '../engine/rollouts/pool'
import { createRollout, runRollout } from '../engine/rollouts/runner'
import { loadRolloutSpec } from '../engine/rollouts/spec'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import { startTelemetry, type Telemetry } from './otel'
import { otlpReceiver, type OtlpReceiver } from './testing/otlpReceiver'

let dir: string
let store: SqliteStore
let receiver: OtlpReceiver
let telemetry: Telemetry | null = null
const savedEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-otel-ro-'))
  store = openStore(join(dir, 'p2engine.db'))
  receiver = await otlpReceiver()
  // Worker threads get a copy of this environment when the pool starts them.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint
  telemetry = await startTelemetry('cli')
})
afterEach(async () => {
  if (savedEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = savedEndpoint
  await telemetry?.shutdown()
  await closeThreadContexts()
  store.close()
  await receiver.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('OpenTelemetry traces of a rollout', () => {
  it('puts every variant span under the rollout span; the variant conversations, run in worker threads, join the same trace', async () => {
    const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '' }
    const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
    const spec = loadRolloutSpec(join(CONFIG_DIR, 'demo_rollout.yml'), { configDir: CONFIG_DIR, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true })
    const pool = variantPool(1)
    try {
      const deps = {
        repo: new SqliteRolloutStore(store), ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }), executor: pool.run,
        task: { dbPath: join(dir, 'p2engine.db'), configDir: CONFIG_DIR, env, modelMode: 'record' as const },
      }
      const created = await createRollout(deps, { specFile: spec.file, source: spec.source, variants: spec.variants, options: { parallel: 1, strictTools: true, replay: false, taskTimeoutMs: 60_000 } })
      expect((await runRollout(deps, created.id)).status).toBe('done')
    } finally {
      await pool.close()
    }
    await telemetry!.flush()
    const spans = await receiver.until((s) => s.some((x) => x.name.startsWith('rollout ro_')))
    const rollout = spans.find((s) => s.name.startsWith('rollout ro_'))
    expect(rollout, `spans received: ${spans.map((s) => s.name).join(', ')}`).toBeDefined()
    const rolloutId = rollout!.attributes['p2engine.rollout.id']
    expect(rollout!.attributes).toMatchObject({ 'p2engine.rollout.status': 'done', 'p2engine.rollout.variants': 2 })
    expect(rollout!.parentSpanId).toBeUndefined()
    const variants = spans.filter((s) => s.name.startsWith('rollout.variant ')).sort((a, b) => a.name.localeCompare(b.name))
    expect(variants.map((v) => [v.name, v.parentSpanId, v.traceId, v.attributes['p2engine.variant.status']])).toEqual([
      ['rollout.variant demo_team/v000', rollout!.spanId, rollout!.traceId, 'done'],
      ['rollout.variant demo_team/v001', rollout!.spanId, rollout!.traceId, 'done'],
    ])
    for (const v of variants) {
      // Exported by the worker thread that ran the variant, as a child of the variant's span.
      const turn = spans.find((s) => s.parentSpanId === v.spanId)
      expect(turn, `children of ${v.name}`).toBeDefined()
      expect([turn!.name, turn!.traceId, turn!.resource['p2engine.process.kind']]).toEqual(['invoke_agent agent_alpha', rollout!.traceId, 'rollout-worker'])
      expect(turn!.attributes).toMatchObject({ 'p2engine.rollout.id': rolloutId, 'p2engine.team.id': 'demo_team', 'p2engine.variant.id': v.attributes['p2engine.variant.id'], 'p2engine.conversation.id': v.attributes['p2engine.conversation.id'] })
      expect(spans.filter((s) => s.parentSpanId === turn!.spanId).map((s) => s.name)).toContain('chat openai/gpt-4.1')
    }
  })
})

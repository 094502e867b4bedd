import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { loadConfig } from '../engine/config/load'
import { EvaluatorRegistry } from '../engine/evals/registry'
import { createRollout } from '../engine/rollouts/runner'
import { loadRolloutSpec } from '../engine/rollouts/spec'
import { builtinRegistry } from '../engine/tools/builtins'
import { BullmqJobQueue } from '../scaleout/bullmqJobQueue'
import { hasRedisServer, startRedis, type RedisServer } from '../scaleout/testing/redisServer'
import { JOB_BODY_VERSION, type VariantJobResultBody } from '../scaleout/variantJob'
import { sha256 } from '../bundles/write'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import { queuedVariants } from './queuedVariants'

const SECRET = 'coordinator-and-workers-share-this'

describe.skipIf(!hasRedisServer())('a coordinator importing results whose bundles are stored next to the jobs (real redis-server)', () => {
  let redis: RedisServer
  let dir: string
  let store: SqliteStore
  beforeAll(async () => {
    redis = await startRedis()
    dir = mkdtempSync(join(tmpdir(), 'p2e-qv-'))
    store = openStore(join(dir, 'p2engine.db'))
  })
  afterAll(async () => {
    store?.close()
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a bundle that was changed in Redis or is gone, with one line each, and imports nothing', async () => {
    const file = join(SHIPPED_CONFIG, 'rollout_joke.yml')
    const config = loadConfig({ configDir: SHIPPED_CONFIG, env: { P2ENGINE_HOME: dir }, dotenvPath: null })
    const spec = loadRolloutSpec(file, { configDir: SHIPPED_CONFIG, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const repo = new SqliteRolloutStore(store)
    const queue = new BullmqJobQueue({ url: redis.url, secret: SECRET, appVersion: '1.0.0', prefix: 'qv' })
    const worker = new BullmqJobQueue({ url: redis.url, secret: SECRET, appVersion: '1.0.0', prefix: 'qv' })
    const exec = queuedVariants({ queue, host: { store, home: dir, config, env: {} }, snapshot: () => ({ text: {}, base64: {} }), ledger: { enabled: false, backend: 'embedded' }, modelMode: 'record' })
    const signed = Buffer.from('the bundle the worker built and signed')
    // A worker that names a bundle by its hash, then (variant "good") stores other bytes, or (the others) none.
    const consumer = worker.consume(async (job) => {
      if (job.variantId.endsWith('/good')) await worker.putResult(job.jobId, Buffer.from('bytes a stranger wrote into Redis'))
      const body: VariantJobResultBody = { v: JOB_BODY_VERSION, status: 'done', error: null, metrics: null, conversationId: 'c', bundle: '', bundleRef: { sha256: sha256(signed), bytes: signed.length }, startedAt: Date.now(), finishedAt: Date.now() }
      return body
    }, { worker: 'w1', concurrency: 2 })
    try {
      const r = await createRollout({ repo, executor: exec.run, task: { dbPath: '', configDir: SHIPPED_CONFIG, env: {}, modelMode: 'record' } }, { specFile: file, source: spec.source, variants: spec.variants.slice(0, 2), options: { parallel: 2, strictTools: false, replay: false, taskTimeoutMs: 30_000, ledgerEnabled: false } })
      const task = (v: (typeof spec.variants)[number]) => ({ dbPath: '', configDir: SHIPPED_CONFIG, env: {}, modelMode: 'record' as const, rolloutId: r.id, team: v.teamId, variantId: v.id })
      const [good, other] = spec.variants.slice(0, 2)
      const results = await Promise.all([exec.run(task(good!), new AbortController().signal), exec.run(task(other!), new AbortController().signal)])
      expect(results).toEqual([
        { status: 'failed', error: `job ${r.id}:joke_team/good: its result bundle in Redis differs from the one the worker signed (SHA-256); result not imported` },
        { status: 'failed', error: `job ${r.id}:joke_team/${other!.id}: its result bundle is no longer in Redis (finished jobs wait 7 days for their coordinator); result not imported` },
      ])
      expect(repo.variants(r.id).map((v) => [v.status, v.error?.startsWith('worker job failed: job ')])).toEqual([['failed', true], ['failed', true]])
      expect(store.db.prepare('SELECT count(*) FROM conversations').pluck().get()).toBe(0)
    } finally {
      await consumer.stop(true)
      await exec.close()
      await worker.close()
    }
  })
})

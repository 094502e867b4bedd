import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readBundle } from '../bundles/read'
import { loadConfig } from '../engine/config/load'
import { EvaluatorRegistry } from '../engine/evals/registry'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { loadRolloutSpec } from '../engine/rollouts/spec'
import { builtinRegistry } from '../engine/tools/builtins'
import { buildConfigSnapshot } from '../scaleout/configSnapshot'
import { JOB_BODY_VERSION, jobVariantId, type VariantJobBody } from '../scaleout/variantJob'
import { openStore } from '../storage/sqliteStore'
import { IDLE_CONTEXTS, workerVariants } from './workerVariants'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('a worker running variants side by side', () => {
  it("records each variant's model calls under its conversation and bundles exactly those, none of its neighbours'", async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-wv-'))
    dirs.push(home)
    const store = openStore(join(home, 'p2engine.db'))
    const env = { OPENAI_API_KEY: '', LEDGER_ENABLED: 'false' }
    const worker = workerVariants({ store, home, env, concurrency: 4 })
    const file = join(SHIPPED_CONFIG, 'rollout_joke.yml')
    const spec = loadRolloutSpec(file, { configDir: SHIPPED_CONFIG, agents: loadConfig({ configDir: SHIPPED_CONFIG, env: {}, dotenvPath: null }).agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const config = buildConfigSnapshot(SHIPPED_CONFIG, file, [])
    const ctx = { heartbeat: async () => {}, signal: new AbortController().signal }
    try {
      const variants = spec.variants.slice(0, 4)
      const results = await Promise.all(variants.map((variant) => {
        const body: VariantJobBody = {
          v: JOB_BODY_VERSION, specFile: file, source: spec.source, variant, config, modelMode: 'record', enqueuedAt: Date.now(),
          options: { parallel: 4, strictTools: false, replay: false, taskTimeoutMs: 30_000 }, ledger: { enabled: false, backend: 'embedded' },
        }
        const variantId = jobVariantId(variant.teamId, variant.id)
        return worker.run({ jobId: `ro_side:${variantId}`, rolloutId: 'ro_side', variantId, body, attempt: 1, appVersion: '0' }, ctx)
      }))
      expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done'])
      const recordingsOf = async (b: string) => (await readBundle(Buffer.from(b, 'base64'), 'result')).rows.recordings.map((r) => `${r.hash}#${r.ordinal}`).sort()
      const tagged = (cid: string) => (store.db.prepare("SELECT hash || '#' || ordinal FROM model_recordings WHERE conversation_id = ? ORDER BY 1").pluck().all(cid) as string[])
      for (const r of results) {
        const own = tagged(r.conversationId!)
        // The variant asked its agent and its judge: both exchanges are recorded under its conversation.
        expect(own).toHaveLength(2)
        // Exactly those: no neighbour's, and no other occurrence of the same request (a judge asked the same by every variant).
        expect(await recordingsOf(r.bundle)).toEqual(own)
      }
    } finally {
      await worker.close()
      store.close()
    }
  })

  it('keeps only the newest idle engine contexts: a long-running worker does not hold one per rollout it ever ran', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-wv-'))
    dirs.push(home)
    const store = openStore(join(home, 'p2engine.db'))
    const worker = workerVariants({ store, home, env: { OPENAI_API_KEY: '', LEDGER_ENABLED: 'false' }, concurrency: 4 })
    const file = join(SHIPPED_CONFIG, 'rollout_joke.yml')
    const spec = loadRolloutSpec(file, { configDir: SHIPPED_CONFIG, agents: loadConfig({ configDir: SHIPPED_CONFIG, env: {}, dotenvPath: null }).agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const config = buildConfigSnapshot(SHIPPED_CONFIG, file, [])
    const ctx = { heartbeat: async () => {}, signal: new AbortController().signal }
    const variant = spec.variants[0]!
    const job = (rolloutId: string) => worker.run({
      jobId: `${rolloutId}:${jobVariantId(variant.teamId, variant.id)}`, rolloutId, variantId: jobVariantId(variant.teamId, variant.id), attempt: 1, appVersion: '0',
      body: { v: JOB_BODY_VERSION, specFile: file, source: spec.source, variant, config, modelMode: 'record', enqueuedAt: Date.now(), options: { parallel: 1, strictTools: false, replay: false, taskTimeoutMs: 30_000 }, ledger: { enabled: false, backend: 'embedded' } },
    }, ctx)
    try {
      const open: number[] = []
      // Each rollout has its own config folder, hence its own context (engine; a model thread from 8 jobs at a time).
      for (const id of ['ro_c1', 'ro_c2', 'ro_c3', 'ro_c4', 'ro_c5']) {
        expect((await job(id)).status).toBe('done')
        open.push(worker.openContexts())
      }
      expect(open).toEqual([1, 2, IDLE_CONTEXTS, IDLE_CONTEXTS, IDLE_CONTEXTS])
      // Two at once on two rollouts: both contexts are held while they run, then trimmed again.
      const both = await Promise.all([job('ro_c6'), job('ro_c1')])
      expect(both.map((r) => r.status)).toEqual(['done', 'done'])
      expect(worker.openContexts()).toBe(IDLE_CONTEXTS)
      // The evicted ones are closed a second later; the worker's shared store and the kept contexts work on.
      await new Promise((r) => setTimeout(r, 1100))
      expect((await job('ro_c7')).status).toBe('done')
      expect(store.db.prepare("SELECT count(*) FROM rollout_variants WHERE status = 'done'").pluck().get()).toBe(7)
      expect(worker.openContexts()).toBe(IDLE_CONTEXTS)
    } finally {
      await worker.close()
      store.close()
    }
  })
})

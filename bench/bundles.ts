// Bundle benchmark: export and import throughput of a 10k-entry rollout bundle, and the export
// time of a 200-variant rollout (target: under 2 s). Rows are made through the real stores.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportBundle, importBundleBytes, loadBundleBytes } from '../main/bundles/service'
import { asAgentId } from '../main/engine/schema/states'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../main/storage/sqliteStore'
import { createStackStorage } from '../main/storage/stacks/create'
import type { BenchRow } from './report'

/** A done rollout of `variants` variants, each with a conversation of `turns` question/answer pairs, a model-call metric and an evaluation. */
function seedRollout(store: SqliteStore, variants: number, turns: number): string {
  const { stacks, artifacts } = createStackStorage(store)
  const repo = new SqliteRolloutStore(store)
  const id = `ro_bench${variants}`
  const vs = Array.from({ length: variants }, (_, i) => ({ teamId: 'bench', id: `v${String(i).padStart(3, '0')}`, index: i, agentId: 'agent_alpha', overrides: { temperature: (i % 10) / 10 } }))
  repo.create({ id, specFile: 'bench_rollout.yml', spec: { source: { teams: { bench: { initial_message: 'Tell me something nice.' } } }, variants: vs, options: { parallel: 8, strictTools: false, replay: false, taskTimeoutMs: 60_000 } } as never, ledgerBefore: null })
  const A = asAgentId('agent_alpha')
  const setVariant = store.db.prepare("UPDATE rollout_variants SET status = 'done', conversation_id = ?, metrics = ?, started_at = 1, finished_at = 2 WHERE rollout_id = ? AND variant_id = ?")
  store.write(() => {
    for (const v of vs) {
      const c = stacks.createConversation({ name: `${id}-${v.id}`, rootAgent: 'agent_alpha' })
      for (let t = 0; t < turns; t++) {
        stacks.push(c.id, A, [
          { kind: 'user_message', text: `Question ${t} of variant ${v.id}: tell me something nice about the number ${t}.` },
          { kind: 'assistant_message', content: `Answer ${t}: ${'a kind sentence about numbers. '.repeat(6)}` },
        ])
      }
      artifacts.record({ type: 'metrics', sessionId: c.id, agentId: 'agent_alpha', branchId: 'main', role: 'model_call', payload: { model: 'openai/gpt-4o', promptTokens: 200, completionTokens: 20, costUsd: 0.001, latencyMs: 100, offline: false, replayed: false }, tags: ['model_call'] })
      artifacts.record({ type: 'evaluation', sessionId: c.id, agentId: 'gpt4_judge', branchId: 'main', role: 'evaluation', payload: { score: 0.8, comment: 'fake' }, score: 0.8, tags: ['evaluation'] })
      setVariant.run(c.id, JSON.stringify({ schemaVersion: 1, conversationId: c.id, scores: [{ score: 0.8 }] }), id, v.id)
    }
  })
  store.db.prepare("UPDATE rollouts SET status = 'done', finished_at = created_at + 1 WHERE id = ?").run(id)
  return id
}

const mb = (bytes: number, ms: number): number => bytes / 1024 / 1024 / (ms / 1000)

export async function benchBundles(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-bench-bundles-'))
  try {
    const homeA = join(dir, 'a')
    const a = openStore(join(dir, 'a.db'))
    // 10k entries: 50 variants × 100 turns × 2 entries.
    const big = seedRollout(a, 50, 100)
    const hostA = { store: a, home: homeA }
    const file = join(dir, 'big.p2bundle')
    await exportBundle(hostA, { rollouts: [big] }, join(dir, 'warm.p2bundle'))
    let t = performance.now()
    const r = await exportBundle(hostA, { rollouts: [big] }, file)
    const exportMs = performance.now() - t
    const entries = r.manifest.counts.entries
    const raw = r.manifest.entries.reduce((n, e) => n + e.size, 0)
    const b = openStore(join(dir, 'b.db'))
    const { bytes, label } = await loadBundleBytes(file)
    t = performance.now()
    await importBundleBytes({ store: b, home: join(dir, 'b') }, bytes, label)
    const importMs = performance.now() - t
    b.close()

    // 200 variants, 6 turns each (the shape of a real rollout run).
    const wide = seedRollout(a, 200, 6)
    t = performance.now()
    const w = await exportBundle(hostA, { rollouts: [wide] }, join(dir, 'wide.p2bundle'))
    const wideMs = performance.now() - t
    a.close()
    const size = statSync(file).size
    return [
      { name: 'export 10k-entry rollout bundle', value: mb(raw, exportMs), unit: 'MB/s', note: `${entries} entries, ${(raw / 1024 / 1024).toFixed(1)} MB of entries → ${(size / 1024 / 1024).toFixed(2)} MB zip in ${exportMs.toFixed(0)} ms` },
      { name: 'export 10k-entry rollout bundle', value: entries / (exportMs / 1000), unit: 'entries/s' },
      { name: 'verify + import 10k-entry bundle (one transaction)', value: mb(raw, importMs), unit: 'MB/s', note: `${importMs.toFixed(0)} ms` },
      { name: 'verify + import 10k-entry bundle (one transaction)', value: entries / (importMs / 1000), unit: 'entries/s' },
      { name: 'export 200-variant rollout', value: wideMs, unit: 'ms', target: '< 2000 ms', ok: wideMs < 2000, note: `${w.manifest.counts.conversations} conversations, ${w.manifest.counts.entries} entries, ${(w.bytes.length / 1024).toFixed(0)} KB` },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

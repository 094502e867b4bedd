import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../../storage/sqliteStore'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { startFakeOpenAi, type FakeOpenAi } from '../testing/fakeOpenAi'
import { builtinRegistry } from '../tools/builtins'
import { createRollout, runRollout } from './runner'
import { loadRolloutSpec } from './spec'

let dir: string
let store: SqliteStore
let fake: FakeOpenAi
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-learn-'))
  store = openStore(join(dir, 'p2engine.db'))
})
afterEach(async () => {
  await closeThreadContexts()
  store.close()
  await fake?.close()
  rmSync(dir, { recursive: true, force: true })
})

const METRICS = ['correctness', 'efficiency', 'collaboration']
const verdict = (x: number, comment: string) => ({ content: JSON.stringify({ metrics: Object.fromEntries(METRICS.map((m) => [m, x])), comment }) })

describe('learning rollout through the runner and a local OpenAI-compatible server', () => {
  it('runs the feedback loop in the variant task: rising judge scores, stored per round, stopped at the target', async () => {
    // Requests alternate: the agent's answer, then the judge's verdict on it.
    fake = await startFakeOpenAi([
      { content: 'Plan: split the problem into three steps.' }, verdict(0.4, 'Name the steps and verify the result.'),
      { content: 'Steps: analyse, solve, verify; result checked.' }, verdict(0.85, 'Good.'),
    ])
    const file = join(dir, 'learning.yml')
    writeFileSync(file, `teams:
  autonomous_team:
    initial_message: "Solve this complex multi-step problem"
    base: { agent_id: agent_alpha, model: openai/gpt-4o, reasoning_policy: mcts_v1 }
    variants:
      - { tools: [delegate], temperature: 0.3, search_depth: 10 }
    eval:
      evaluator_id: comprehensive_judge
      metrics: [correctness, efficiency, collaboration]
      feedback_loop: true
      target_score: 0.8
      rubric: |
        Evaluate based on:
        - Solution correctness (0.4)
        - Execution efficiency (0.3)
        - Effective delegation (0.3)
`)
    const spec = loadRolloutSpec(file, { configDir: CONFIG_DIR, agents: ['agent_alpha'], evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true })
    const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.baseUrl, LEDGER_ENABLED: 'false' }
    const repo = new SqliteRolloutStore(store)
    const deps = { repo, executor: (task: Parameters<typeof runVariant>[0]) => runVariant(task), task: { dbPath: join(dir, 'p2engine.db'), configDir: CONFIG_DIR, env, modelMode: 'record' as const } }
    const rollout = await createRollout(deps, { specFile: spec.file, source: spec.source, variants: spec.variants, options: { parallel: 1, strictTools: true, replay: false, taskTimeoutMs: 4_000 } })
    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    const v = repo.variant(rollout.id, 'autonomous_team', 'v000')
    expect([v.status, v.error]).toEqual(['done', null])
    const m = v.metrics!
    expect(m.rounds!.map((r) => [r.round, r.score, r.answer])).toEqual([
      [1, expect.closeTo(0.4, 9), 'Plan: split the problem into three steps.'],
      [2, expect.closeTo(0.85, 9), 'Steps: analyse, solve, verify; result checked.'],
    ])
    expect(m.rounds![0]!.branchId).not.toBe(m.rounds![1]!.branchId)
    expect([m.score, m.scores[0]!.metricNames, m.usage.offline]).toEqual([expect.closeTo(0.85, 9), METRICS, false])
    // The agent gets the task, then the critique on the new branch; the judge sees each answer.
    expect(fake.requests.map((r) => (r.body!.messages as { role: string; content: string }[]).at(-1)!.content.split('\n')[0])).toEqual([
      'Solve this complex multi-step problem',
      'Plan: split the problem into three steps.',
      'Feedback on your previous answer (round 1 of 3): score 0.40 (target 0.80).',
      'Steps: analyse, solve, verify; result checked.',
    ])
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FeedbackRound, VariantMetrics } from '../../engine/rollouts/types'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { createStackStorage } from '../../storage/stacks/create'
import { openStore } from '../../storage/sqliteStore'
import type { ArtifactRef } from '../../engine/schema/artifacts'
import type { AgentId } from '../../engine/schema/states'
import { cliEnv, type CliEnv } from './cliTestKit'

// One CLI home for the file, seeded once (the first CLI run pays the cold start, in the hook).
let env: CliEnv
let id: string
beforeAll(async () => {
  env = cliEnv()
  expect((await env.run(['rollout', 'list'])).code).toBe(0)
  id = seed(env.env.P2ENGINE_HOME!)
})
afterAll(() => env.cleanup())
beforeEach(() => vi.stubEnv('COLUMNS', '250'))

const METRICS = ['correctness', 'efficiency', 'collaboration']
const usage = { calls: 1, promptTokens: 10, completionTokens: 5, totalTokens: 15, costUsd: 0, modelMs: 1, offline: false }

/**
 * A finished learning rollout written straight into the CLI's database: two variants judged by
 * comprehensive_judge, the first through three feedback rounds (0.3 → 0.6 → 0.9, one branch
 * each), the second once. No model runs, so the tables are exact.
 */
function seed(home: string): string {
  const store = openStore(join(home, 'p2engine.db'))
  const { artifacts, stacks } = createStackStorage(store)
  const repo = new SqliteRolloutStore(store)
  const evalSpec = { evaluator_id: 'comprehensive_judge', metrics: METRICS, feedback_loop: true }
  const variants = ['v000', 'v001'].map((id, index) => ({ teamId: 'autonomous_team', id, position: id, index, agentId: 'agent_alpha', initialMessage: 'Solve it', overrides: { agent_id: 'agent_alpha', reasoning_policy: 'mcts_v1', search_depth: 10 * (index + 1) }, eval: evalSpec }))
  repo.create({ id: 'ro_learn', specFile: 'config/learning_rollout.yml', spec: { source: {}, variants: variants as never, options: { parallel: 2, strictTools: false, replay: false, taskTimeoutMs: 1000 } }, ledgerBefore: null })
  const judged = (conv: string, branch: string, per: Record<string, number>, score: number) => {
    const metrics = { score, ...per }
    const h = artifacts.record({ type: 'evaluation', sessionId: conv, agentId: 'comprehensive_judge', branchId: branch, role: 'evaluation', payload: {}, parentRefs: [] as ArtifactRef[], tags: ['evaluation'], meta: { status: 'finished', eval_metrics: metrics }, score })
    return { metrics, ref: h.ref }
  }
  const row = (variantId: string, rounds: [string, Record<string, number>, number][]): VariantMetrics => {
    const conv = `rollout:ro_learn:autonomous_team:${variantId}`
    stacks.createConversation({ id: conv, name: conv, rootAgent: 'agent_alpha' as AgentId, metadata: {} })
    const done: FeedbackRound[] = rounds.map(([branch, per, score], i) => ({ round: i + 1, branchId: branch, score, answer: `answer ${i + 1}`, ...judged(conv, branch, per, score) }))
    const last = done[done.length - 1]!
    return {
      conversationId: conv, agentId: 'agent_alpha', answer: last.answer, answerRef: null,
      scores: [{ evaluator: 'comprehensive_judge', version: '1.0', metric: 'score', score: last.score, metrics: last.metrics, metricNames: METRICS, offline: false }],
      score: last.score, usage, judgeUsage: usage, wallMs: 1000, toolCalls: 0, toolErrors: 0, errors: [], ledger: null,
      ...(rounds.length > 1 ? { rounds: done } : {}),
    }
  }
  repo.markRunning('ro_learn', 'autonomous_team', 'v000', 'rollout:ro_learn:autonomous_team:v000')
  repo.markDone('ro_learn', 'autonomous_team', 'v000', row('v000', [
    ['main', { correctness: 0.2, efficiency: 0.4, collaboration: 0.35 }, 0.3],
    ['b0000001', { correctness: 0.6, efficiency: 0.6, collaboration: 0.6 }, 0.6],
    ['b0000002', { correctness: 1, efficiency: 0.8, collaboration: 0.85 }, 0.9],
  ]))
  repo.markRunning('ro_learn', 'autonomous_team', 'v001', 'rollout:ro_learn:autonomous_team:v001')
  repo.markDone('ro_learn', 'autonomous_team', 'v001', row('v001', [['main', { correctness: 0.7, efficiency: 0.5, collaboration: 0.4 }, 0.55]]))
  repo.setStatus('ro_learn', 'done')
  store.close()
  return 'ro_learn'
}

const rows = (out: string, title: string) => {
  const lines = out.split('\n')
  const start = lines.findIndex((l) => l.startsWith(title))
  return lines.slice(start + 1).filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()))
}

describe('learning rollout tables', () => {
  it('rollout show: a column per eval.metrics metric, the score per feedback round and the improvement', async () => {
    const r = await env.run(['rollout', 'show', id])
    expect(r.code).toBe(0)
    expect(rows(r.out, 'Rollout Metrics').slice(0, 3).map((c) => c.slice(0, 6))).toEqual([
      ['team', 'variant', 'score', 'correctness', 'efficiency', 'collaboration'],
      ['autonomous_team', 'v000', '0.900', '1.000', '0.800', '0.850'],
      ['autonomous_team', 'v001', '0.550', '0.700', '0.500', '0.400'],
    ])
    expect(rows(r.out, 'Feedback rounds').slice(0, 2)).toEqual([
      ['team', 'variant', 'round 1', 'round 2', 'round 3', 'improvement', 'branch (last round)'],
      ['autonomous_team', 'v000', '0.300', '0.600', '0.900', '+0.600', 'b0000002'],
    ])
    expect(rows(r.out, 'Variant Configuration')[0]).toEqual(['team', 'variant', 'agent_id', 'reasoning_policy', 'search_depth'])
  })

  it('eval top --metric ranks by any emitted metric (one row per round); an unknown metric is an error naming the known ones', async () => {
    const top = await env.run(['eval', 'top', id, '--metric', 'efficiency', '--json'])
    expect(JSON.parse(top.out).map((x: { label: string; score: number }) => [x.label, x.score])).toEqual([
      ['autonomous_team/v000 round 3', 0.8], ['autonomous_team/v000 round 2', 0.6], ['autonomous_team/v001', 0.5], ['autonomous_team/v000 round 1', 0.4],
    ])
    const bad = await env.run(['eval', 'top', id, '--metric', 'speed'])
    expect([bad.code, bad.out, bad.err]).toEqual([2, '', 'error: unknown metric "speed" for rollout ro_learn; known metrics: score, collaboration, correctness, efficiency'])
    const conv = await env.run(['eval', 'top', 'rollout:ro_learn:autonomous_team:v001', '--metric', 'nope'])
    expect([conv.code, conv.err]).toEqual([2, 'error: unknown metric "nope" for session rollout:ro_learn:autonomous_team:v001; known metrics: score, collaboration, correctness, efficiency'])
  })

  it('rollout export: metric.<name>, round.<n>, rounds, improvement and final_branch columns', async () => {
    const r = await env.run(['rollout', 'export', id, '--format', 'json'])
    const pick = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).filter(([k]) => /^(variant|metric\.|round|improvement|final_branch)/.test(k)))
    expect((JSON.parse(r.out) as Record<string, unknown>[]).map(pick)).toEqual([
      { variant: 'v000', 'metric.correctness': 1, 'metric.efficiency': 0.8, 'metric.collaboration': 0.85, 'round.1': 0.3, 'round.2': 0.6, 'round.3': 0.9, rounds: 3, improvement: expect.closeTo(0.6, 9), final_branch: 'b0000002' },
      { variant: 'v001', 'metric.correctness': 0.7, 'metric.efficiency': 0.5, 'metric.collaboration': 0.4, 'round.1': null, 'round.2': null, 'round.3': null, rounds: null, improvement: null, final_branch: null },
    ])
  })
})

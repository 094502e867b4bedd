import { describe, expect, it } from 'vitest'
import type { VariantView } from '../../../../preload/contract'
import { improvementOf, metricValueOf, namedMetricsOf } from './learning'

const usage = { calls: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2, costUsd: 0, modelMs: 1, offline: false }
const variant = (id: string, per: Record<string, number>, rounds?: (number | null)[]): VariantView => ({
  team: 't', variantId: id, position: 0, status: 'done', conversationId: `c-${id}`, overrides: {}, error: null, startedAt: 1, finishedAt: 2,
  metrics: {
    conversationId: `c-${id}`, agentId: 'agent_alpha', answer: 'a', answerRef: null, score: 0.5, usage, judgeUsage: usage, wallMs: 1, toolCalls: 0, toolErrors: 0, errors: [], ledger: null,
    scores: [
      { evaluator: 'gpt4_judge', version: '0.4', metric: 'score', score: 0.5, metrics: { score: 0.5, has_comment: 1 }, offline: false },
      { evaluator: 'comprehensive_judge', version: '1.0', metric: 'score', score: 0.5, metrics: { score: 0.5, ...per }, metricNames: Object.keys(per), offline: false },
    ],
    ...(rounds ? { rounds: rounds.map((score, i) => ({ round: i + 1, branchId: `b${i}`, score, metrics: {}, answer: null })) } : {}),
  },
})

describe('learning rollout view helpers', () => {
  it('lists the eval.metrics metrics (not other evaluators’ extras), their values, and the improvement over rounds', () => {
    const vs = [variant('v0', { correctness: 0.9, efficiency: 0.4 }, [0.2, 0.5, 0.7]), variant('v1', { correctness: 0.1, collaboration: 0.3 })]
    expect(namedMetricsOf(vs)).toEqual(['correctness', 'efficiency', 'collaboration'])
    expect(vs.map((v) => [metricValueOf(v, 'correctness'), metricValueOf(v, 'collaboration'), metricValueOf(v, 'has_comment')])).toEqual([[0.9, null, null], [0.1, 0.3, null]])
    expect(vs.map(improvementOf)).toEqual([expect.closeTo(0.5, 9), null])
    expect(improvementOf(variant('v2', {}, [null, 0.4]))).toBeNull()
  })
})

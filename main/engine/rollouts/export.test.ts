import { describe, expect, it } from 'vitest'
import { exportRows, toCsv } from './export'
import type { RolloutRecord, VariantMetrics, VariantRecord } from './types'

const createdAt = new Date(2026, 11, 2, 3, 20).getTime()

const rollout: RolloutRecord = {
  id: 'ro_x', specFile: '/cfg/demo_rollout.yml', status: 'done', createdAt, finishedAt: createdAt + 1000, ledgerBefore: null, ledgerAfter: null, runner: null,
  spec: {
    source: {}, options: { parallel: 1, strictTools: false, replay: false, taskTimeoutMs: 1000 },
    variants: [
      { teamId: 'weather', id: 'v000', position: '0', index: 0, agentId: 'agent_alpha', initialMessage: 'Weather in Tokyo?', overrides: {} },
      { teamId: 'weather', id: 'v001', position: '1', index: 1, agentId: 'agent_alpha', initialMessage: 'Weather in Tokyo?', overrides: {} },
    ],
  },
}

const metrics = (answer: string, comment: string | undefined, error?: string): VariantMetrics => ({
  conversationId: 'c', agentId: 'agent_alpha', answer, answerRef: null,
  scores: [
    { evaluator: 'gpt4_judge', version: '0.4', metric: 'score', score: error ? null : 0.75, metrics: {}, offline: false, ...(comment ? { comment } : {}), ...(error ? { error } : {}) },
    { evaluator: 'contains', version: '1.0', metric: 'score', score: 1, metrics: {}, offline: false },
  ],
  score: error ? null : 0.75,
  usage: { calls: 1, promptTokens: 10, completionTokens: 5, totalTokens: 15, costUsd: 0.001, modelMs: 100, offline: false },
  judgeUsage: { calls: 1, promptTokens: 1, completionTokens: 1, totalTokens: 2, costUsd: 0, modelMs: 1, offline: false },
  wallMs: 2000, toolCalls: 1, toolErrors: 0, errors: [], ledger: null,
})

const variant = (variantId: string, position: number, m: VariantMetrics | null): VariantRecord => ({
  rolloutId: 'ro_x', team: 'weather', variantId, position, status: m ? 'done' : 'failed', conversationId: m ? 'c' : null, overrides: { tools: ['get_weather'] },
  metrics: m, error: m ? null : 'variant task crashed: boom', startedAt: createdAt, finishedAt: createdAt + 10,
})

describe('exportRows', () => {
  it('carries the initial message, the answer and every evaluator comment; a judge error stands in for its comment', () => {
    const rows = exportRows(rollout, [variant('v000', 0, metrics('It is "sunny", 24 °C,\nlight wind.', 'Correct and concise.')), variant('v001', 1, metrics('No idea.', undefined, 'judge timed out'))])
    expect(rows.map((r) => ({ variant: r.variant, name: r.rollout_name, msg: r.initial_message, answer: r.answer, judge: r.judge_comment, c1: r['comment.gpt4_judge'], c2: r['comment.contains'] }))).toEqual([
      { variant: 'v000', name: 'demo_rollout · 2026-12-02 03:20', msg: 'Weather in Tokyo?', answer: 'It is "sunny", 24 °C,\nlight wind.', judge: 'Correct and concise.', c1: 'Correct and concise.', c2: null },
      { variant: 'v001', name: 'demo_rollout · 2026-12-02 03:20', msg: 'Weather in Tokyo?', answer: 'No idea.', judge: 'judge timed out', c1: 'judge timed out', c2: null },
    ])
  })

  it('a variant without metrics exports empty answer and comment', () => {
    const [row] = exportRows(rollout, [variant('v000', 0, null)])
    expect({ status: row!.status, error: row!.error, answer: row!.answer, judge: row!.judge_comment }).toEqual({ status: 'failed', error: 'variant task crashed: boom', answer: null, judge: null })
  })

  it('CSV quotes answers with commas, quotes and newlines so they read back whole', () => {
    const csv = toCsv(exportRows(rollout, [variant('v000', 0, metrics('It is "sunny", 24 °C,\nlight wind.', 'Fine'))]))
    const header = csv.split('\n')[0]!.split(',')
    expect(header.slice(-6)).toEqual(['rollout_name', 'initial_message', 'answer', 'judge_comment', 'comment.gpt4_judge', 'comment.contains'])
    expect(csv).toContain(',"It is ""sunny"", 24 °C,\nlight wind.",Fine,Fine,')
  })
})

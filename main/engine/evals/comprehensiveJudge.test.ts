import { afterEach, describe, expect, it } from 'vitest'
import { ModelRouter } from '../models/router'
import { ScriptedLocalProvider } from '../models/scriptedProvider'
import type { TeamEval } from '../schema/rollout'
import { CONFIG_DIR } from '../testing/engineHarness'
import { startFakeOpenAi, type FakeOpenAi } from '../testing/fakeOpenAi'
import { comprehensiveJudge, rubricWeights } from './comprehensiveJudge'
import type { EvalContext, EvalInput } from './types'

/** The seed's learning rollout `eval` (config/learning_rollout.yml). */
const SEED_RUBRIC = 'Evaluate based on:\n- Solution correctness (0.4)\n- Execution efficiency (0.3)\n- Effective delegation (0.3)\n'
const METRICS = ['correctness', 'efficiency', 'collaboration']
const spec = (extra: Partial<TeamEval> = {}): TeamEval => ({ evaluator_id: 'comprehensive_judge', metric: 'score', timeout_sec: 900, metrics: METRICS, rubric: SEED_RUBRIC, feedback_loop: true, ...extra })
const input: EvalInput = {
  conversationId: 'c', agentId: 'agent_alpha', answer: 'The weather in Paris is 22 °C and sunny.',
  traj: [{ role: 'user', content: 'What is the weather in Paris?' }, { role: 'assistant', content: 'The weather in Paris is 22 °C and sunny.' }],
  toolCalls: [], transfers: [], costUsd: 0, totalTokens: 0, wallMs: 10, modelMs: 5,
}
const ctx = (models: EvalContext['models'], s = spec()): EvalContext => ({ configDir: CONFIG_DIR, spec: s, models })

let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

describe('comprehensive_judge: rubric weights', () => {
  it('maps the seed rubric lines to the metrics: by name, the rest in order', () => {
    expect(rubricWeights(SEED_RUBRIC, METRICS)).toEqual({
      weights: { correctness: 0.4, efficiency: 0.3, collaboration: 0.3 },
      lines: { correctness: 'Solution correctness', efficiency: 'Execution efficiency', collaboration: 'Effective delegation' },
    })
  })

  it('scales weights to 1, uses equal weights without weighted lines, and names a count mismatch', () => {
    expect(rubricWeights('- speed (2)\n- accuracy (2)', ['accuracy', 'speed']).weights).toEqual({ accuracy: 0.5, speed: 0.5 })
    expect(rubricWeights('Be strict.', ['a', 'b']).weights).toEqual({ a: 0.5, b: 0.5 })
    expect(() => rubricWeights(SEED_RUBRIC, ['correctness'])).toThrow('the rubric has 3 weighted lines but eval.metrics names 1 metric (correctness); give one "(weight)" line per metric, in the same order')
    expect(comprehensiveJudge.check!(spec({ metrics: undefined }))).toEqual(['eval.metrics is required: the list of metrics to score, e.g. ["correctness", "efficiency"]'])
    expect(comprehensiveJudge.check!(spec({ rubric: '- a (0)\n- b (1)\n- c (1)' }))).toEqual(['rubric line "a" has weight 0; expected a weight above 0'])
    expect(comprehensiveJudge.check!(spec())).toEqual([])
  })
})

describe('comprehensive_judge: scoring', () => {
  it('scores each metric and the weighted total through an OpenAI-compatible server, retrying an invalid reply', async () => {
    fake = await startFakeOpenAi([
      { content: '{"score": 0.5}' },
      { content: '```json\n{"metrics": {"correctness": 1, "efficiency": 0.5, "collaboration": 0}, "comment": "Delegate the lookup."}\n```' },
    ])
    const router = new ModelRouter({ apiBase: fake.baseUrl, apiKey: 'sk-test', probe: async () => false })
    const r = await comprehensiveJudge.run(input, ctx(() => router))
    expect(r).toEqual({
      score: 0.4 * 1 + 0.3 * 0.5 + 0.3 * 0, metrics: { correctness: 1, efficiency: 0.5, collaboration: 0 }, comment: 'Delegate the lookup.',
      offline: false, judgeModel: 'openai/gpt-4o-mini', promptVersion: 'cj-1.0',
    })
    const system = (fake.requests[0]!.body!.messages as { content: string }[])[0]!.content
    expect(system).toContain('You are an impartial judge. Evaluate based on:')
    expect(system).toContain('Metrics: correctness, efficiency, collaboration\nWeights: correctness 0.40, efficiency 0.30, collaboration 0.30')
    // The second attempt carries the refused reply and the format reminder.
    expect((fake.requests[1]!.body!.messages as { content: string }[]).at(-1)!.content).toMatch(/^Your previous answer was not valid JSON/)
  })

  it('works with the offline scripted judge: every metric in [0, 1], the total weighted', async () => {
    const r = await comprehensiveJudge.run(input, ctx(() => new ScriptedLocalProvider()))
    expect(Object.keys(r.metrics!)).toEqual(METRICS)
    for (const v of Object.values(r.metrics!)) expect(v).toBeGreaterThanOrEqual(0)
    expect(r.score).toBeCloseTo(0.4 * r.metrics!.correctness! + 0.3 * r.metrics!.efficiency! + 0.3 * r.metrics!.collaboration!, 9)
    expect([r.offline, r.comment]).toEqual([true, expect.stringMatching(/^\[offline scripted judge\] /)])
  })
})

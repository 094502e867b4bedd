import { afterEach, describe, expect, it } from 'vitest'
import { EvaluatorRegistry } from '../evals/registry'
import type { ModelRequest } from '../ports/model'
import { expandRollout, RolloutSpecSchema } from '../schema/rollout'
import type { AgentId, ConversationId } from '../schema/states'
import { CONFIG_DIR, llmAgent, makeEngine } from '../testing/engineHarness'
import { ScriptedModel, type ScriptStep } from '../testing/scriptedModel'
import { executeVariant } from './executeVariant'

type Harness = Awaited<ReturnType<typeof makeEngine>>
let h: Harness | undefined
afterEach(() => {
  h?.close()
  h = undefined
})

const METRICS = ['correctness', 'efficiency', 'collaboration']
const variantOf = (evalExtra: Record<string, unknown>) => expandRollout(RolloutSpecSchema.parse({
  teams: {
    autonomous_team: {
      initial_message: 'Plan a two-day trip to Paris',
      base: { agent_id: 'agent_alpha', reasoning_policy: 'mcts_v1' },
      variants: [{ temperature: 0.3, search_depth: 10 }],
      eval: { evaluator_id: 'comprehensive_judge', metrics: METRICS, feedback_loop: true, rubric: '- Solution correctness (0.4)\n- Execution efficiency (0.3)\n- Effective delegation (0.3)\n', ...evalExtra },
    },
  },
}))[0]!

const isJudge = (r: ModelRequest) => r.messages[0]?.role === 'system' && r.messages[0].content.includes('Score each metric separately')
/** An agent answer (a judge request here fails the test). */
const answer = (text: string, lastMessage?: RegExp): ScriptStep => ({ ...(lastMessage ? { lastMessage } : {}), expect: (r) => expect(isJudge(r)).toBe(false), reply: { content: text } })
/** A judge verdict with the same score on every metric (so the weighted total is that score). */
const verdict = (score: number, comment: string): ScriptStep => ({
  expect: (r) => expect(isJudge(r)).toBe(true),
  reply: { content: JSON.stringify({ metrics: Object.fromEntries(METRICS.map((m) => [m, score])), comment }) },
})

async function run(script: ScriptStep[], evalExtra: Record<string, unknown>) {
  const model = new ScriptedModel(script)
  h = await makeEngine({ agents: [llmAgent('agent_alpha', [])], model })
  const metrics = await executeVariant({ engine: h.engine, evaluators: new EvaluatorRegistry(), configDir: CONFIG_DIR, rolloutId: 'ro_t', variant: variantOf(evalExtra) })
  model.assertDone()
  return { metrics, model }
}

describe('feedback loop (learning rollout)', () => {
  it('hands the critique back on a new branch per round, records each score and stops at the target', async () => {
    const { metrics } = await run([
      answer('Day 1: museums.', /^Plan a two-day trip/),
      verdict(0.3, 'Too vague: name the museums.'),
      answer('Day 1: the Louvre. Day 2: Orsay.', /round 1 of 4\): score 0\.30 \(target 0\.80\)\.\nPer metric: correctness 0\.30, efficiency 0\.30, collaboration 0\.30\.\nJudge's critique: Too vague: name the museums\./),
      verdict(0.6, 'Better; add opening hours.'),
      answer('Day 1: the Louvre (9–18). Day 2: Orsay (9:30–18).', /round 2 of 4\).*\n.*\nJudge's critique: Better; add opening hours\./),
      verdict(0.9, 'Complete.'),
    ], { max_rounds: 4, target_score: 0.8 })
    const rounds = metrics.rounds!
    expect(rounds.map((r) => [r.round, r.score, r.answer])).toEqual([
      [1, 0.3, 'Day 1: museums.'],
      [2, 0.6, 'Day 1: the Louvre. Day 2: Orsay.'],
      [3, 0.9, 'Day 1: the Louvre (9–18). Day 2: Orsay (9:30–18).'],
    ].map(([n, s, a]) => [n, expect.closeTo(s as number, 9), a]))
    expect(rounds[0]!.metrics).toEqual({ score: expect.closeTo(0.3, 9), correctness: 0.3, efficiency: 0.3, collaboration: 0.3 })
    expect([rounds[0]!.comment, rounds[2]!.comment]).toEqual(['Too vague: name the museums.', 'Complete.'])
    // The variant shows the last round; each round is its own branch of the same conversation.
    expect([metrics.score, metrics.answer, metrics.scores[0]!.metricNames]).toEqual([expect.closeTo(0.9, 9), rounds[2]!.answer, METRICS])
    const conv = metrics.conversationId as ConversationId
    const branches = h!.stacks.listBranches(conv, 'agent_alpha' as AgentId)
    expect(branches.map((b) => b.branch)).toEqual(rounds.map((r) => r.branchId))
    expect(branches.map((b) => b.parent)).toEqual([null, rounds[0]!.branchId, rounds[1]!.branchId])
    expect(h!.stacks.currentBranch(conv, 'agent_alpha' as AgentId)).toBe(rounds[2]!.branchId)
    // One evaluation per round, stored on that round's branch.
    const evals = h!.artifacts.query({ sessionId: conv, type: 'evaluation', limit: 10 })
    expect(evals.map((e) => e.branchId).sort()).toEqual(rounds.map((r) => r.branchId).sort())
  })

  it('stops at max_rounds (default 3) when the target is never reached', async () => {
    const { metrics } = await run([
      answer('A.'), verdict(0.2, 'Wrong.'),
      answer('B.', /round 1 of 3\): score 0\.20\./), verdict(0.3, 'Still wrong.'),
      answer('C.', /round 2 of 3\)/), verdict(0.5, 'Closer.'),
    ], {})
    expect(metrics.rounds!.map((r) => r.score)).toEqual([0.2, 0.3, 0.5].map((s) => expect.closeTo(s, 9)))
    expect(metrics.score).toBeCloseTo(0.5, 9)
  })

  it('does not loop when the first answer already reaches the target', async () => {
    const { metrics } = await run([answer('Perfect.'), verdict(0.95, 'Great.')], { target_score: 0.9 })
    expect(metrics.rounds!.map((r) => [r.round, r.score])).toEqual([[1, expect.closeTo(0.95, 9)]])
  })
})

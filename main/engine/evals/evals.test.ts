import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ScriptedLocalProvider } from '../models/scriptedProvider'
import type { TeamEval } from '../schema/rollout'
import { CONFIG_DIR } from '../testing/engineHarness'
import { ScriptedModel } from '../testing/scriptedModel'
import { DETERMINISTIC_EVALUATORS } from './builtins'
import { defineEvaluator } from './defineEvaluator'
import { gpt4Judge, judgeSystemPrompt, resolveRubric } from './judge'
import { EvaluatorRegistry, loadEvaluators } from './registry'
import type { EvalContext, EvalInput } from './types'

const input = (over: Partial<EvalInput> = {}): EvalInput => ({
  conversationId: 'c', agentId: 'agent_alpha', answer: 'It is 22 °C in Paris.',
  traj: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', content: 'It is 22 °C in Paris.' }],
  toolCalls: [{ name: 'get_weather', arguments: { location: 'Paris' }, status: 'ok', reward: null }],
  transfers: [{ from: 'agent_alpha', to: 'agent_helper', amount: '15', reason: 'pay', transactionId: 't1' }],
  costUsd: 0.002, totalTokens: 900, wallMs: 1200, modelMs: 800, ...over,
})
const spec = (evaluator_id: string, extra: Partial<TeamEval> = {}): TeamEval => ({ evaluator_id, metric: 'score', timeout_sec: 900, ...extra })
const ctx = (s: TeamEval, models: EvalContext['models'] = () => new ScriptedLocalProvider()): EvalContext => ({ configDir: CONFIG_DIR, spec: s, models })
const registry = new EvaluatorRegistry()
const run = (id: string, params: Record<string, unknown>, i = input()) => registry.get(id).run(i, ctx(spec(id, { params })))

describe('deterministic evaluators', () => {
  it('score each case', async () => {
    expect(await run('contains', { text: ['paris', 'tokyo'] })).toEqual({ score: 0.5, metrics: { found: 1 } })
    expect(await run('regex', { pattern: '\\d+ °C' })).toEqual({ score: 1 })
    expect(await run('json_schema', { schema: { type: 'object', required: ['a'] } }, input({ answer: '```json\n{"a": 1}\n```' }))).toEqual({ score: 1 })
    expect((await run('json_schema', { schema: { type: 'object' } })).score).toBe(0)
    expect(await run('tool_called', { tool: 'get_weather' })).toEqual({ score: 1, metrics: { calls: 1 } })
    expect(await run('ledger_delta', { from: 'agent_alpha', to: 'agent_helper', amount: 15, count: 1 })).toEqual({ score: 1, metrics: { transfers: 1, amount: 15 } })
    expect(await run('ledger_delta', { to: 'child' })).toEqual({ score: 0, metrics: { transfers: 0, amount: 0 } })
    expect(await run('cost_under', { usd: 0.001 })).toEqual({ score: 0, metrics: { cost_usd: 0.002 } })
    expect(await run('latency_under', { ms: 5000 })).toEqual({ score: 1, metrics: { wall_ms: 1200 } })
  })

  it('check their params before anything runs, naming the key', () => {
    expect(DETERMINISTIC_EVALUATORS.map((e) => [e.id, e.check?.(spec(e.id, { params: {} }))])).toEqual([
      ['contains', ['params.text: expected a text or a non-empty list of texts']],
      ['regex', ['params.pattern: Invalid input: expected string, received undefined']],
      ['json_schema', ['params.schema: Invalid input: expected record, received undefined']],
      ['tool_called', ['params.tool: Invalid input: expected string, received undefined']],
      ['ledger_delta', []],
      ['cost_under', ['params.usd: Invalid input: expected number, received undefined']],
      ['latency_under', ['params.ms: Invalid input: expected number, received undefined']],
    ])
  })
})

describe('gpt4_judge v0.4', () => {
  it('resolves rubric ids from evals/rubrics, keeps texts (also one-liners with spaces) and defaults', () => {
    expect(resolveRubric(CONFIG_DIR, 'joke_quality')).toEqual({ text: expect.stringMatching(/^You are a merciless stand-up critic/), id: 'joke_quality' })
    expect(resolveRubric(CONFIG_DIR, 'Be strict, please.')).toEqual({ text: 'Be strict, please.', id: null })
    expect(resolveRubric(CONFIG_DIR, undefined).text).toBe('Rate the final assistant answer for factual accuracy, completeness and clarity.')
  })

  it('appends the per-tool rewards seen in the trajectory', () => {
    const p = judgeSystemPrompt(CONFIG_DIR, 'r', [{ role: 'tool', tool_call_id: 'x', name: 'get_weather', content: '{"reward": 0.5}' }])
    expect(p.endsWith('\n\nPer-tool rewards observed:\n- get_weather: 0.50')).toBe(true)
  })

  it('retries after invalid JSON with a corrective system message, then accepts a fenced valid answer', async () => {
    const model = new ScriptedModel([
      { expect: (r) => expect(r).toMatchObject({ model: 'openai/gpt-4o-mini', temperature: 0.5 }), reply: { content: 'Great answer! 9/10' } },
      { expect: (r) => expect(r.messages.at(-1)).toMatchObject({ role: 'system', content: expect.stringMatching(/not valid JSON/) }), reply: { content: '{"score": 1.5}' } },
      { reply: { content: '```json\n{"score": 0.75, "comment": "ok"}\n```' } },
    ])
    const r = await gpt4Judge.run(input(), ctx(spec('gpt4_judge', { rubric: 'joke_quality' }), () => model))
    model.assertDone()
    expect(r).toEqual({ score: 0.75, metrics: { has_comment: 1 }, comment: 'ok', offline: true, judgeModel: 'openai/gpt-4o-mini', promptVersion: 'v1.0.0' })
  })

  it('fails after three invalid answers with the reason', async () => {
    const model = new ScriptedModel([1, 2, 3].map(() => ({ reply: { content: '{"score": 0.5, "extra": 1}' } })))
    await expect(Promise.resolve(gpt4Judge.run(input(), ctx(spec('gpt4_judge'), () => model)))).rejects.toThrow(/^Judge returned invalid JSON after 3 attempts: \(root\): Unrecognized key: "extra"/)
  })

  it('samples N times and reports mean and spread; the offline judge is labelled', async () => {
    const model = new ScriptedModel([0.5, 1, 0.75].map((score) => ({ reply: { content: JSON.stringify({ score }) } })))
    const r = await gpt4Judge.run(input(), ctx(spec('gpt4_judge', { samples: 3 }), () => model))
    expect(r).toMatchObject({ score: 0.75, samples: [0.5, 1, 0.75], spread: 0.5 })
    const traj: EvalInput['traj'] = [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'get_weather', content: '{"location":"Paris","temperature":22,"unit":"celsius"}' },
      { role: 'assistant', content: "[offline scripted model] It's 22 °C in Paris." },
    ]
    const offline = await gpt4Judge.run(input({ traj }), ctx(spec('gpt4_judge')))
    expect(offline).toEqual({
      score: 1, metrics: { has_comment: 1 }, offline: true, judgeModel: 'openai/gpt-4o-mini', promptVersion: 'v1.0.0',
      comment: '[offline scripted judge] 1.00: ✓ overall quality (rubric); ✓ addresses the task; ✓ 1/1 tool calls succeeded.',
    })
    const unanswered = await gpt4Judge.run(input({ traj: [traj[0]!, { role: 'assistant', content: 'Bananas are yellow.' }] }), ctx(spec('gpt4_judge')))
    expect([unanswered.score, unanswered.comment]).toStrictEqual([0, '[offline scripted judge] 0.00: ✗ overall quality (rubric); ✗ addresses the task.'])
  })
})

describe('registry', () => {
  let dir: string | undefined
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

  it('loads custom evaluators from config/evaluators and rejects bad definitions', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-ev-'))
    mkdirSync(join(dir, 'evaluators'))
    writeFileSync(join(dir, 'evaluators', 'short.mjs'), "export default { id: 'short', version: '2', run: ({ answer }) => ({ score: answer.length < 30 ? 1 : 0 }) }\n")
    const r = await loadEvaluators(dir)
    expect(r.ids()).toContain('short')
    expect(await r.get('short').run(input(), ctx(spec('short')))).toEqual({ score: 1 })
    expect(() => r.get('nope')).toThrow(/^unknown evaluator "nope"; known: comprehensive_judge, contains, cost_under, gpt4_judge/)
    expect(() => defineEvaluator({ id: 'bad id', version: '', run: () => ({ score: 0 }) })).toThrow(/evaluator bad id: id: got "bad id"/)
  })
})

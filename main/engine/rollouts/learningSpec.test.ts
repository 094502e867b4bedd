import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../config/testDirs'
import { ConfigError } from '../errors'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { builtinRegistry } from '../tools/builtins'
import { loadRolloutSpec } from './spec'

const AGENTS = ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child']
const TOOLS = builtinRegistry().names()
const KNOWN = [...TOOLS].sort().join(', ')
const load = (file: string, strictTools: boolean) =>
  loadRolloutSpec(file, { configDir: CONFIG_DIR, agents: AGENTS, evaluators: new EvaluatorRegistry(), tools: TOOLS, strictTools })
const problems = (file: string, strictTools = false): string[] => {
  try {
    load(file, strictTools)
    return []
  } catch (err) {
    return (err as ConfigError).problems.map((p) => p.replace(file, 'spec.yml'))
  }
}
const specFile = (yaml: string) => {
  const dir = tempDir({})
  writeFileSync(join(dir, 'spec.yml'), yaml)
  return join(dir, 'spec.yml')
}

describe('the seed learning rollout (config/learning_rollout.yml, as written)', () => {
  it('loads: team autonomous_team runs agent_alpha; reasoning_policy and search_depth stay variant parameters', () => {
    const r = load(join(CONFIG_DIR, 'learning_rollout.yml'), false)
    expect(r.variants.map((v) => [v.teamId, v.id, v.agentId, v.initialMessage, v.overrides.reasoning_policy, v.overrides.search_depth])).toEqual([
      ['autonomous_team', 'v000', 'agent_alpha', 'Solve this complex multi-step problem', 'mcts_v1', 10],
      ['autonomous_team', 'v001', 'agent_alpha', 'Solve this complex multi-step problem', 'mcts_v1', 20],
    ])
    expect(r.variants[0]!.eval).toEqual({
      evaluator_id: 'comprehensive_judge', metric: 'score', timeout_sec: 900, metrics: ['correctness', 'efficiency', 'collaboration'], feedback_loop: true,
      rubric: 'Evaluate based on:\n- Solution correctness (0.4)\n- Execution efficiency (0.3)\n- Effective delegation (0.3)\n',
    })
  })

  it('warns once per unknown tool and once for the keys with no effect, never dropping them silently', () => {
    const r = load(join(CONFIG_DIR, 'learning_rollout.yml'), false)
    const f = 'config/learning_rollout.yml'
    expect(r.warnings.map((w) => w.replace(/^.*config\/learning_rollout\.yml/, f))).toEqual([
      `${f}:10 teams.autonomous_team.variants[0].tools: unknown tool "analyze"; known tools: ${KNOWN}; named by variants v000, v001, which run without it (--strict-tools makes this an error)`,
      `${f}:10 teams.autonomous_team.variants[0].tools: unknown tool "verify"; known tools: ${KNOWN}; named by variants v000, v001, which run without it (--strict-tools makes this an error)`,
      `${f}:13 teams.autonomous_team.variants[1].tools: unknown tool "learn"; known tools: ${KNOWN}; named by variant v001, which runs without it (--strict-tools makes this an error)`,
      `${f}:8 teams.autonomous_team.base.reasoning_policy: variant parameters reasoning_policy, search_depth have no effect on the engine: kept as variant parameters and shown in the configuration table (keys with an effect: agent_id, initial_message, model, temperature, top_p, tools, behavior_template, max_tokens)`,
    ])
  })

  it('is refused under --strict-tools, one error per unknown tool', () => {
    const file = join(CONFIG_DIR, 'learning_rollout.yml')
    expect(problems(file, true).map((p) => p.replace(/^.*learning_rollout\.yml/, 'spec.yml'))).toEqual([
      `spec.yml:10 teams.autonomous_team.variants[0].tools: unknown tool "analyze"; known tools: ${KNOWN}; named by variants v000, v001 (--strict-tools)`,
      `spec.yml:10 teams.autonomous_team.variants[0].tools: unknown tool "verify"; known tools: ${KNOWN}; named by variants v000, v001 (--strict-tools)`,
      `spec.yml:13 teams.autonomous_team.variants[1].tools: unknown tool "learn"; known tools: ${KNOWN}; named by variant v001 (--strict-tools)`,
    ])
  })
})

describe('learning eval keys', () => {
  it('checks metrics, the rubric weights, and feedback-loop keys before anything runs', () => {
    const file = specFile(`teams:
  t:
    initial_message: hi
    base: { agent_id: agent_alpha }
    variants: [{ temperature: 0.1 }]
    eval:
      - evaluator_id: comprehensive_judge
        metrics: [correctness, correctness]
        feedback_loop: true
        max_rounds: 0
      - evaluator_id: comprehensive_judge
        metrics: [a, b]
        rubric: |
          - a (0.5)
          - b (0.3)
          - c (0.2)
        target_score: 0.9
`)
    expect(problems(file)).toEqual([
      'spec.yml:8 teams.t.eval[0].metrics: metric names must be unique',
      'spec.yml:10 teams.t.eval[0].max_rounds: got 0, expected a number ≥ 1',
      'spec.yml:11 teams.t.eval[1]: comprehensive_judge: the rubric has 3 weighted lines but eval.metrics names 2 metrics (a, b); give one "(weight)" line per metric, in the same order',
      'spec.yml:17 teams.t.eval[1].target_score: target_score has no effect without feedback_loop: true',
    ])
  })
})

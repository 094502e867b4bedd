import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { builtinRegistry } from '../tools/builtins'
import { loadRolloutSpec } from './spec'

let dir: string
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'p2e-spec-')) })
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const AGENTS = ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child']
function problems(yaml: string, strictTools = false): readonly string[] {
  const file = join(dir, 'spec.yml')
  writeFileSync(file, yaml)
  try {
    loadRolloutSpec(file, { configDir: CONFIG_DIR, agents: AGENTS, evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools })
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems.map((p) => p.replace(file, 'spec.yml'))
  }
  return []
}

describe('rollout spec checks (before anything runs)', () => {
  it('accepts the five shipped rollouts with --strict-tools', () => {
    for (const f of ['demo_rollout.yml', 'rollout_joke.yml', 'rollout_task_with_payment.yml', 'rollout_competitive_payment.yml', 'rollout_hierarchical_distribution.yml']) {
      const r = loadRolloutSpec(join(CONFIG_DIR, f), { configDir: CONFIG_DIR, agents: AGENTS, evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true })
      expect(r.variants.length).toBeGreaterThan(0)
    }
  })

  it('rejects a file without teams:', () => {
    expect(problems('variants: []\n')).toEqual(['spec.yml: the top-level key must be `teams:` (a mapping of team id → { base, variants, initial_message, eval })'])
  })

  it('names file, line, team, variant (by its YAML id) and key; schema problems do not hide the others', () => {
    expect(problems(`teams:
  t:
    base: { agent_id: agent_alpha, tools: [get_weather, teleport] }
    variants:
      - id: a
        initial_message: hi
      - id: b
        agent_id: ghost
        initial_message: hi
        temperature: 9
    eval:
      - evaluator_id: gpt4_judge
        rubric: no_such_rubric
      - evaluator_id: vibes
      - evaluator_id: contains
`, true)).toEqual([
      'spec.yml:3 teams.t.base.tools: unknown tool "teleport"; known tools: check_balance, delegate, get_league_leader, get_weather, reward_agent, transaction_history, transfer_funds; named by variants a, b (--strict-tools)',
      'spec.yml:8 teams.t.variants[1].agent_id: variant b: unknown agent "ghost"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child',
      'spec.yml:10 teams.t.variants[1].temperature: variant b: got 9, expected a number ≤ 2',
      expect.stringMatching(/^spec\.yml:13 teams\.t\.eval\[0\]\.rubric: unknown rubric "no_such_rubric": expected a file evals\/rubrics\/no_such_rubric\.jinja in /),
      'spec.yml:14 teams.t.eval[1].evaluator_id: unknown evaluator "vibes"; known: comprehensive_judge, contains, cost_under, gpt4_judge, json_schema, latency_under, ledger_delta, regex, tool_called',
      'spec.yml:15 teams.t.eval[2]: contains: params.text: expected a text or a non-empty list of texts',
    ])
  })

  it('reports every semantic problem at once', () => {
    expect(problems(`teams:
  t:
    base: { agent_id: agent_alpha, tools: [get_weather, teleport] }
    variants:
      - id: a
        initial_message: hi
      - id: b
        agent_id: ghost
        initial_message: hi
    eval:
      - evaluator_id: gpt4_judge
        rubric: no_such_rubric
      - evaluator_id: vibes
      - evaluator_id: contains
`, true)).toEqual([
      // One base value shared by every variant is one problem, not one per variant.
      'spec.yml:3 teams.t.base.tools: unknown tool "teleport"; known tools: check_balance, delegate, get_league_leader, get_weather, reward_agent, transaction_history, transfer_funds; named by variants a, b (--strict-tools)',
      'spec.yml:8 teams.t.variants[1].agent_id: variant b: unknown agent "ghost"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child',
      expect.stringMatching(/^spec\.yml:12 teams\.t\.eval\[0\]\.rubric: unknown rubric "no_such_rubric": expected a file evals\/rubrics\/no_such_rubric\.jinja in /),
      'spec.yml:13 teams.t.eval[1].evaluator_id: unknown evaluator "vibes"; known: comprehensive_judge, contains, cost_under, gpt4_judge, json_schema, latency_under, ledger_delta, regex, tool_called',
      'spec.yml:14 teams.t.eval[2]: contains: params.text: expected a text or a non-empty list of texts',
    ])
    expect(problems('teams:\n  t:\n    base: { agent_id: agent_alpha }\n    variants: [{ id: x }]\n')).toEqual([
      'spec.yml:4 teams.t.variants[0]: variant x has no initial_message (set it on the team, in base or in the variant)',
    ])
  })
})

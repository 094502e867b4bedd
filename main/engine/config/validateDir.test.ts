import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatIssue } from './issues'
import { SHIPPED_CONFIG, tempDir } from './testDirs'
import { validateConfigDir } from './validateDir'

describe('validateConfigDir', () => {
  it('accepts the shipped config folder: agents, config.json, the six rollouts and the templates', () => {
    const r = validateConfigDir(SHIPPED_CONFIG)
    expect(r.ok).toBe(true)
    expect(r.files.map((f) => [f.file.replace(/^.*config\//, ''), f.kind, f.summary, f.ok])).toEqual([
      ['agents.yml', 'agents', '6 agents', true],
      ['config.json', 'app-config', 'valid', true],
      ['demo_rollout.yml', 'rollout', '1 team, 2 variants', true],
      ['learning_rollout.yml', 'rollout', '1 team, 2 variants', true],
      ['rollout_competitive_payment.yml', 'rollout', '2 teams, 3 variants', true],
      ['rollout_hierarchical_distribution.yml', 'rollout', '1 team, 2 variants', true],
      ['rollout_joke.yml', 'rollout', '2 teams, 6 variants', true],
      ['rollout_task_with_payment.yml', 'rollout', '2 teams, 2 variants', true],
      ['templates', 'templates', '4 templates', true],
    ])
  })

  it('reports every problem of every file at once', () => {
    const dir = tempDir({
      'agents.yml': 'agents:\n  - id: a\n    type: llm\n    temperature: 1\n',
      'config.json': '{\n  "ledger": { "initial_balance": "abc" }\n}\n',
      'r1.yml': 'teams:\n  t:\n    base: { agent_id: a }\n    variants:\n      - model: m\n    eval: { evaluator_id: j, rubric: no_such_rubric }\n',
      'r2.yml': 'teams:\n  t:\n    initial_message: hi\n    variants: [{ agent_id: a, top_p: 3 }]\n',
      'notes.yml': 'just: data\n',
    })
    const r = validateConfigDir(dir)
    expect(r.ok).toBe(false)
    expect(r.issues.map(formatIssue)).toEqual([
      `${dir}/agents.yml:4 agents[0].temperature: unknown key "temperature" (allowed: id, type, llm_model, behavior_template, tools, render_policy, enable_self_reflection, reflection_agent_id)`,
      `${dir}/config.json:2 ledger.initial_balance: got "abc", expected a decimal number ≥ 0 with at most 10 fractional digits, like 100.0`,
      `${dir}/r1.yml:5 teams.t.variants[0]: variant v000 has no initial_message (set it on the team, in base or in the variant)`,
      `${dir}/r1.yml:6 teams.t.eval.evaluator_id: unknown evaluator "j"; known: comprehensive_judge, contains, cost_under, gpt4_judge, json_schema, latency_under, ledger_delta, regex, tool_called`,
      `${dir}/r2.yml:4 teams.t.variants[0].top_p: variant v000: got 3, expected a number ≤ 1`,
      `${dir}/templates: templates folder not found (expected system_message.j2, personas/, reflection/)`,
    ])
  })

  it('checks that a rubric id names a rubric file', () => {
    const dir = tempDir()
    cpSync(SHIPPED_CONFIG, dir, { recursive: true })
    const extra = tempDir({ 'x.yml': 'teams:\n  t:\n    initial_message: hi\n    base: { agent_id: agent_alpha }\n    variants: [{}]\n    eval:\n      evaluator_id: gpt4_judge\n      rubric: missing_rubric\n' })
    cpSync(join(extra, 'x.yml'), join(dir, 'x.yml'))
    expect(validateConfigDir(dir).issues.map(formatIssue)).toEqual([
      `${dir}/x.yml:8 teams.t.eval.rubric: unknown rubric "missing_rubric": expected a file evals/rubrics/missing_rubric.jinja in ${dir}, or a multi-line rubric text`,
    ])
  })

  it('checks the tools, personas and reflection agents agents.yml names, with the known choices', () => {
    const dir = tempDir({
      'agents.yml': [
        'agents:',
        '  - id: a',
        '    type: llm',
        '    tools: [get_weather, get_wether]', // 4
        '    behavior_template: pirate', // 5
        '  - id: b',
        '    type: llm',
        '    behavior_template: weather_expert',
        '    reflection_agent_id: nobody', // 9
        '',
      ].join('\n'),
      'templates/system_message.j2': 'sys',
      'templates/personas/weather_expert.j2': 'You know weather. {{ question }}',
    })
    const tools = 'check_balance, delegate, get_league_leader, get_weather, reward_agent, transaction_history, transfer_funds'
    expect(validateConfigDir(dir).issues.map(formatIssue)).toEqual([
      `${dir}/agents.yml:4 agents[0].tools[1]: agent a: unknown tool "get_wether"; known tools: ${tools}`,
      `${dir}/agents.yml:5 agents[0].behavior_template: agent a: unknown persona "pirate"; known personas: weather_expert (files in ${dir}/templates/personas/)`,
      `${dir}/agents.yml:9 agents[1].reflection_agent_id: agent b: unknown reflection agent "nobody"; configured agents: a, b`,
    ])
  })

  it('checks the agents, personas, evaluators and tools every rollout YAML names; unknown tools are warnings', () => {
    const dir = tempDir()
    cpSync(SHIPPED_CONFIG, dir, { recursive: true })
    const extra = tempDir({
      'x.yml': [
        'teams:',
        '  t:',
        '    initial_message: hi',
        '    base: { agent_id: agent_alpha }',
        '    variants:',
        '      - id: cold',
        '        temperature: 7', // 7: schema problem; does not hide the others
        '      - id: ghostly',
        '        agent_id: ghost', // 9
        '        behavior_template: pirate', // 10
        '        tools: [warp_drive]', // 11: warning
        '    eval: { evaluator_id: nope }', // 12
        '',
      ].join('\n'),
    })
    cpSync(join(extra, 'x.yml'), join(dir, 'x.yml'))
    const r = validateConfigDir(dir)
    const x = r.files.find((f) => f.file.endsWith('x.yml'))!
    expect([x.summary, x.issues.map(formatIssue), x.warnings?.map(formatIssue)]).toEqual(['invalid', [
      `${dir}/x.yml:7 teams.t.variants[0].temperature: variant cold: got 7, expected a number ≤ 2`,
      `${dir}/x.yml:9 teams.t.variants[1].agent_id: variant ghostly: unknown agent "ghost"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child`,
      `${dir}/x.yml:10 teams.t.variants[1].behavior_template: variant ghostly: unknown persona "pirate"; known personas: weather_expert (files in ${dir}/templates/personas/)`,
      `${dir}/x.yml:12 teams.t.eval.evaluator_id: unknown evaluator "nope"; known: comprehensive_judge, contains, cost_under, gpt4_judge, json_schema, latency_under, ledger_delta, regex, tool_called`,
    ], [
      `${dir}/x.yml:11 teams.t.variants[1].tools: unknown tool "warp_drive"; known tools: check_balance, delegate, get_league_leader, get_weather, reward_agent, transaction_history, transfer_funds; named by variant ghostly, which runs without it (--strict-tools makes this an error)`,
    ]])
  })

  it('reports a missing folder', () => {
    expect(validateConfigDir('/nonexistent/p2engine-config').issues.map(formatIssue)).toEqual(['/nonexistent/p2engine-config: config folder not found'])
  })
})

import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatIssue } from './issues'
import { SHIPPED_CONFIG, tempDir } from './testDirs'
import { validateConfigDir } from './validateDir'

describe('validateConfigDir', () => {
  it('accepts the shipped config folder: agents, config.json, the five rollouts and the templates', () => {
    const r = validateConfigDir(SHIPPED_CONFIG)
    expect(r.ok).toBe(true)
    expect(r.files.map((f) => [f.file.replace(/^.*config\//, ''), f.kind, f.summary, f.ok])).toEqual([
      ['agents.yml', 'agents', '6 agents', true],
      ['config.json', 'app-config', 'valid', true],
      ['demo_rollout.yml', 'rollout', '1 team, 2 variants', true],
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
      `${dir}/r2.yml:4 teams.t.variants[0].top_p: got 3, expected a number ≤ 1`,
      `${dir}/templates: templates folder not found (expected system_message.j2, personas/, reflection/)`,
    ])
  })

  it('checks that a rubric id names a rubric file', () => {
    const dir = tempDir()
    cpSync(SHIPPED_CONFIG, dir, { recursive: true })
    const extra = tempDir({ 'x.yml': 'teams:\n  t:\n    initial_message: hi\n    base: { agent_id: a }\n    variants: [{}]\n    eval:\n      evaluator_id: j\n      rubric: missing_rubric\n' })
    cpSync(join(extra, 'x.yml'), join(dir, 'x.yml'))
    expect(validateConfigDir(dir).issues.map(formatIssue)).toEqual([
      `${dir}/x.yml:8 teams.t.eval.rubric: got "missing_rubric", expected a rubric id with a file evals/rubrics/missing_rubric.jinja, or a multi-line rubric text`,
    ])
  })

  it('reports a missing folder', () => {
    expect(validateConfigDir('/nonexistent/p2engine-config').issues.map(formatIssue)).toEqual(['/nonexistent/p2engine-config: config folder not found'])
  })
})

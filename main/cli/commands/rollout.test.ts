import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { shippedProject, tooWide } from './cliTestKit'

beforeEach(() => vi.stubEnv('COLUMNS', '100'))
afterEach(() => vi.unstubAllEnvs())

const project = shippedProject

describe('p2engine rollout / eval (offline)', () => {
  it('with Redis configured the variants go to workers: no job secret is one line naming --local, and nothing is created (--local runs: uiLiveEvents.test.ts)', async () => {
    const p = project({ REDIS_URL: 'redis://:hunter2-redis@127.0.0.1:9/0' })
    const spec = join(p.dir, 'config/rollout_task_with_payment.yml')
    const refused = await p.run('rollout', 'start', spec)
    expect([refused.code, refused.out, refused.err]).toEqual([3, '', 'error: Redis is configured (redis://:***@127.0.0.1:9/0, from env REDIS_URL), so the variants would run on `p2engine worker` processes, which needs a shared job secret: set P2ENGINE_JOB_SECRET or redis.secret in config.json (16+ characters, the same on every worker), or pass --local to run them in this process'])
    expect((await p.run('rollout', 'list', '--json')).out.trim()).toBe('[]') // nothing was created
    const both = await p.run('rollout', 'start', spec, '--local', '--redis', 'redis://127.0.0.1:9')
    expect([both.code, both.err]).toEqual([2, 'error: --local and --redis contradict each other: --local runs the variants in this process, --redis on workers'])
  })

  it('runs the payment rollout through the worker pool, shows every table, lists, exports and ranks it', async () => {
    const p = project()
    const r = await p.run('rollout', 'start', join(p.dir, 'config/rollout_task_with_payment.yml'), '--follow', '--parallel', '1')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const id = /Launching rollout (\S+) with 2 teams, 2 variants \(parallel 1\)/.exec(r.out)![1]!
    for (const heading of ['Rollout Metrics (per variant)', 'Variant Configuration', 'Team Aggregate', 'Ledger flows (per variant)', 'Ledger State Changes', 'Wallet changes', 'Flow / stack preview (last 15 steps)', '⚠ offline']) {
      expect(r.out).toContain(heading)
    }
    expect(r.out).toMatch(/payment_coordinator\/service_payment done score 1\.000/)
    expect(r.out).toMatch(/│ agent_helper\s+│ 0\.00\s+│ 15\.00\s+│ \+15\.00\s+│/)
    // Every table fits 100 columns (the width without a terminal).
    expect(tooWide(r.out)).toEqual([])
    expect(tooWide((await p.run('rollout', 'list')).out)).toEqual([])
    const topTable = (await p.run('eval', 'top', id)).out
    expect([tooWide(topTable), topTable.split('\n')[0], topTable.includes('(offline)')]).toEqual([[], `Top variants for rollout ${id} (metric=score) · offline judge`, false])
    const list = await p.run('rollout', 'list', '--json')
    expect(JSON.parse(list.out)).toEqual([{ id, name: expect.stringMatching(/^rollout_task_with_payment · \d{4}-\d\d-\d\d \d\d:\d\d$/), spec: expect.stringMatching(/rollout_task_with_payment\.yml$/), status: 'done', total: 2, done: 2, failed: 0, created: expect.any(String) }])
    const out = join(p.dir, 'rows.csv')
    expect((await p.run('rollout', 'export', id, '--format', 'csv', '--out', out)).out).toBe(`Wrote 2 rows to ${out}`)
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^rollout_id,team,variant,position,status,error,conversation_id,score,score\.gpt4_judge,offline,tokens,.*,rollout_name,initial_message,answer,judge_comment,comment\.gpt4_judge$/)
    const json = JSON.parse((await p.run('rollout', 'export', id, '--format', 'json')).out) as Record<string, unknown>[]
    const shown = JSON.parse((await p.run('rollout', 'show', id, '--json')).out) as { variants: { metrics: { answer: string; scores: { comment?: string }[] } }[] }
    expect(json.map((row) => [row.answer, row.judge_comment])).toEqual(shown.variants.map((v) => [v.metrics.answer, v.metrics.scores[0]!.comment]))
    expect(json.every((row) => typeof row.answer === 'string' && row.answer.length > 0 && typeof row.judge_comment === 'string')).toBe(true)
    const top = await p.run('eval', 'top', id, '--json')
    expect(JSON.parse(top.out).map((t: { label: string; score: number }) => [t.label, t.score])).toEqual([['weather_service/weather_provider', 1], ['payment_coordinator/service_payment', 1]])
    const history = await p.run('ledger', 'history', 'agent_helper', '--json')
    expect(JSON.parse(history.out).map((t: { fromAgent: string; amount: string }) => [t.fromAgent, t.amount])).toEqual([['agent_alpha', '15.0']])
  })

  it('runs the joke rollout offline: the offline judge scores the good variant above the bad one, with a reason', async () => {
    const p = project()
    // The shipped rollout_joke.yml's joke_team as it is (its pun_team is covered by the engine's rollout test).
    const shipped = parse(readFileSync(join(p.dir, 'config/rollout_joke.yml'), 'utf8')) as { teams: Record<string, unknown> }
    const spec = join(p.dir, 'config/joke_team.yml')
    writeFileSync(spec, stringify({ teams: { joke_team: shipped.teams.joke_team } }))
    const r = await p.run('rollout', 'start', spec, '--parallel', '1', '--json')
    expect([r.code, r.err]).toEqual([0, ''])
    const id = (JSON.parse(r.out) as { rollout: { id: string } }).rollout.id
    const rows = JSON.parse((await p.run('rollout', 'export', id, '--format', 'json')).out) as { team: string; variant: string; score: number; offline: boolean }[]
    const score = (variant: string) => rows.find((x) => x.variant === variant)!.score
    expect(score('good') - score('bad')).toBeGreaterThanOrEqual(0.5)
    expect(score('good')).toBeGreaterThan(score('mediocre'))
    expect(rows.every((x) => x.offline)).toBe(true)
    const shown = await p.run('rollout', 'show', id, '--json')
    expect(shown.out).toMatch(/"comment": "\[offline scripted judge\] 0\.\d\d: ✗ ≥ 8 sentences; .*✓ no jokes, as asked\."/)
  })

  it('rejects a bad spec before anything runs, naming file, team, variant and key', async () => {
    const p = project()
    const spec = join(p.dir, 'bad.yml')
    writeFileSync(spec, 'teams:\n  t:\n    base: { agent_id: agent_alpha }\n    variants:\n      - id: v\n        initial_message: hi\n        tools: [warp_drive]\n')
    const r = await p.run('rollout', 'start', spec, '--strict-tools')
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/bad\.yml:7 teams\.t\.variants\[0\]\.tools: unknown tool "warp_drive"; known tools: .*get_weather.*; named by variant v \(--strict-tools\)/)
    expect((await p.run('rollout', 'list', '--json')).out).toBe('[]')
    // Without --strict-tools the variant runs without the tool, and the user is told so.
    const shown = await p.run('rollout', 'start', spec, '--show-config')
    expect([shown.code, shown.err]).toEqual([0, expect.stringMatching(/^warning: .*bad\.yml:7 teams\.t\.variants\[0\]\.tools: unknown tool "warp_drive"; .*named by variant v, which runs without it/)])
  })

  it('reports every problem of a spec at once, naming variants by their YAML id', async () => {
    const p = project()
    const spec = join(p.dir, 'bad.yml')
    writeFileSync(spec, [
      'teams:',
      '  t:',
      '    initial_message: hi',
      '    base: { agent_id: agent_alpha }',
      '    variants:',
      '      - id: cold',
      '        temperature: 5',
      '      - id: warm',
      '        agent_id: nobody',
      '        behavior_template: pirate',
      '    eval: { evaluator_id: nope }',
      '  g:',
      '    base: { agent_id: ghost, initial_message: x }',
      '    variants:',
      '      temperature: [0.1, 9]',
      '',
    ].join('\n'))
    const r = await p.run('rollout', 'start', spec)
    const agents = 'agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child'
    expect([r.code, r.out, r.err.split('\n')]).toEqual([3, '', [
      'error: 6 configuration problems:',
      `  - ${spec}:7 teams.t.variants[0].temperature: variant cold: got 5, expected a number ≤ 2`,
      `  - ${spec}:9 teams.t.variants[1].agent_id: variant warm: unknown agent "nobody"; configured agents: ${agents}`,
      `  - ${spec}:10 teams.t.variants[1].behavior_template: variant warm: unknown persona "pirate"; known personas: weather_expert (files in ${join(p.dir, 'config', 'templates', 'personas')}/)`,
      `  - ${spec}:11 teams.t.eval.evaluator_id: unknown evaluator "nope"; known: comprehensive_judge, contains, cost_under, gpt4_judge, json_schema, latency_under, ledger_delta, regex, tool_called`,
      `  - ${spec}:13 teams.g.base.agent_id: unknown agent "ghost"; configured agents: ${agents}`,
      `  - ${spec}:15 teams.g.variants.temperature[1]: got 9, expected a number ≤ 2`,
    ]])
    expect((await p.run('rollout', 'list', '--json')).out).toBe('[]')
  })
})

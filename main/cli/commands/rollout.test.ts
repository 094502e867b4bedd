import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SHIPPED_CONFIG, tempDir } from '../../engine/config/testDirs'
import type { Output } from '../output'
import { runCli } from '../program'
import { tooWide } from './cliTestKit'

beforeEach(() => vi.stubEnv('COLUMNS', '100'))
afterEach(() => vi.unstubAllEnvs())

const ANSI = /\u001b\[[0-9;]*m/g

function project() {
  const dir = tempDir()
  cpSync(SHIPPED_CONFIG, join(dir, 'config'), { recursive: true })
  const run = async (...argv: string[]) => {
    const out: string[] = []
    const err: string[] = []
    const io: Output = { out: (t) => out.push(t.replace(ANSI, '')), err: (t) => err.push(t.replace(ANSI, '')) }
    const code = await runCli(['--config', join(dir, 'config'), ...argv], io, { P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: '' })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }
  return { dir, run }
}

describe('p2engine rollout / eval (offline)', () => {
  it('runs the payment rollout through the worker pool, shows every table, lists, exports and ranks it', async () => {
    const p = project()
    const r = await p.run('rollout', 'start', join(p.dir, 'config/rollout_task_with_payment.yml'), '--follow', '--parallel', '1')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const id = /Launching rollout (\S+) with 2 teams, 2 variants \(parallel 1\)/.exec(r.out)![1]!
    for (const heading of ['Rollout Metrics (per variant)', 'Variant Configuration', 'Team Aggregate', 'Ledger State Changes', 'Wallet changes', 'Flow / stack preview (last 15 steps)', '⚠ offline']) {
      expect(r.out).toContain(heading)
    }
    expect(r.out).toMatch(/payment_coordinator\/service_payment done score 1\.000/)
    expect(r.out).toMatch(/│ agent_helper\s+│ 100\.00\s+│ 115\.00\s+│ \+15\.00 │/)
    // Every table fits 100 columns (the width without a terminal).
    expect(tooWide(r.out)).toEqual([])
    expect(tooWide((await p.run('rollout', 'list')).out)).toEqual([])
    const topTable = (await p.run('eval', 'top', id)).out
    expect([tooWide(topTable), topTable.split('\n')[0], topTable.includes('(offline)')]).toEqual([[], `Top variants for rollout ${id} (metric=score) · offline judge`, false])
    const list = await p.run('rollout', 'list', '--json')
    expect(JSON.parse(list.out)).toEqual([{ id, spec: expect.stringMatching(/rollout_task_with_payment\.yml$/), status: 'done', total: 2, done: 2, failed: 0, created: expect.any(String) }])
    const out = join(p.dir, 'rows.csv')
    expect((await p.run('rollout', 'export', id, '--format', 'csv', '--out', out)).out).toBe(`Wrote 2 rows to ${out}`)
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^rollout_id,team,variant,position,status,error,conversation_id,score,score\.gpt4_judge,offline,tokens,/)
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
    expect(r.err).toMatch(/bad\.yml:7 teams\.t\.variants\[0\]\.tools: variant v: unknown tool "warp_drive" \(--strict-tools\)/)
    expect((await p.run('rollout', 'list', '--json')).out).toBe('[]')
  })
})

import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventPayload } from '../../preload/contract'
import type { RolloutService } from '../app/rollouts/rolloutService'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import type { MapTransport } from './register'
import { rolloutsHarness, typed } from './rolloutsTestKit'

let service: RolloutService
let transport: MapTransport
let progress: EventPayload<'rollouts:progressed'>[]

const BAD = `teams:
  demo_team:
    initial_message: "Weather in Tokyo?"
    base:
      agent_id: agent_nobody
      model: openai/gpt-4.1
    variants:
      - tools: ["get_weather"]
      - tools: ["get_weather", "delegate"]
`

let h: ReturnType<typeof rolloutsHarness>
beforeEach(() => {
  h = rolloutsHarness()
  ;({ service, transport, progress } = h)
})
afterEach(() => h.close())

describe('rollouts handlers', () => {
  it('locates every problem of a bad YAML at its line, team, variant and key', async () => {
    expect(await typed(transport)('rollouts:validate', { yaml: BAD, fileName: 'bad.yml' })).toEqual({
      ok: true,
      data: {
        ok: false, file: 'bad.yml', teams: [], variants: [],
        // A bad value in base is one problem of the team (not one per variant).
        errors: [{
          file: 'bad.yml', line: 5, team: 'demo_team', variant: null, key: 'teams.demo_team.base.agent_id',
          message: expect.stringMatching(/^unknown agent "agent_nobody"; configured agents: agent_alpha/),
        }],
      },
    })
    expect(await typed(transport)('rollouts:validate', { yaml: 'teams:\n  t1: [\n', fileName: 'broken.yml' })).toEqual({
      ok: true,
      data: { ok: false, file: 'broken.yml', teams: [], variants: [], errors: [expect.objectContaining({ file: 'broken.yml', line: expect.any(Number), key: null, message: expect.stringMatching(/^YAML syntax error/) })] },
    })
    expect(await typed(transport)('rollouts:start', { yaml: BAD, fileName: 'bad.yml' })).toEqual({
      ok: false, error: { code: 'ROLLOUT_SPEC', message: expect.stringContaining('bad.yml:5 teams.demo_team.base.agent_id: unknown agent "agent_nobody"') },
    })
    expect(await typed(transport)('rollouts:list', {})).toEqual({ ok: true, data: [] })
  })

  it('runs demo_rollout.yml offline: progress pushed per variant, then the tables, export and compare', async () => {
    const files = await typed(transport)('rollouts:files', {})
    expect(files.ok && files.data.map((f) => f.name)).toEqual(['demo_rollout.yml', 'learning_rollout.yml', 'rollout_competitive_payment.yml', 'rollout_hierarchical_distribution.yml', 'rollout_joke.yml', 'rollout_task_with_payment.yml'])
    const valid = await typed(transport)('rollouts:validate', { yaml: (files.ok && files.data[0]!.text) || '', fileName: 'demo_rollout.yml' })
    expect(valid).toEqual({ ok: true, data: { ok: true, file: 'demo_rollout.yml', errors: [], teams: ['demo_team'], variants: [{ team: 'demo_team', variantId: 'v000', agentId: 'agent_alpha' }, { team: 'demo_team', variantId: 'v001', agentId: 'agent_alpha' }] } })

    const started = await typed(transport)('rollouts:start', { path: join(CONFIG_DIR, 'demo_rollout.yml'), parallel: 1 })
    expect(started).toEqual({ ok: true, data: { id: expect.stringMatching(/^ro_/), name: expect.stringMatching(/^demo_rollout · \d{4}-\d\d-\d\d \d\d:\d\d$/), specFile: expect.stringMatching(/demo_rollout\.yml$/), status: 'running', createdAt: expect.any(Number), finishedAt: null, total: 2, counts: { queued: 2, running: 0, done: 0, failed: 0 }, offline: false, active: true, interrupted: false } })
    const id = started.ok ? started.data.id : ''
    await service.whenIdle()

    expect(progress.map((p) => p.variant && `${p.variant.variantId}:${p.variant.phase}`)).toEqual([null, 'v000:starting', 'v000:done', 'v001:starting', 'v001:done', null])
    expect(progress.map((p) => [p.status, p.variant && `${p.variant.variantId}:${p.variant.status}`, p.counts])).toEqual([
      ['running', null, { queued: 2, running: 0, done: 0, failed: 0 }],
      ['running', 'v000:running', { queued: 1, running: 1, done: 0, failed: 0 }],
      ['running', 'v000:done', { queued: 1, running: 0, done: 1, failed: 0 }],
      ['running', 'v001:running', { queued: 0, running: 1, done: 1, failed: 0 }],
      ['running', 'v001:done', { queued: 0, running: 0, done: 2, failed: 0 }],
      ['done', null, { queued: 0, running: 0, done: 2, failed: 0 }],
    ])
    expect(progress.at(-1)!.totalTokens).toBeGreaterThan(0)

    const got = await typed(transport)('rollouts:get', { id })
    if (!got.ok) throw new Error(got.error.message)
    const d = got.data
    expect({ status: d.status, offline: d.offline, active: d.active, counts: d.counts }).toEqual({ status: 'done', offline: true, active: false, counts: { queued: 0, running: 0, done: 2, failed: 0 } })
    expect(d.variants.map((v) => [v.variantId, v.status, v.phase, v.initialMessage, v.overrides.tools, v.metrics?.scores[0]?.offline])).toEqual([
      ['v000', 'done', 'done', "What's the weather in Tokyo right now?", ['get_weather'], true],
      ['v001', 'done', 'done', "What's the weather in Tokyo right now?", ['get_weather', 'delegate'], true],
    ])
    // Running totals as each variant finished (kept from the events, not re-read).
    const tok = d.variants.map((v) => v.metrics!.usage.totalTokens)
    expect(progress.filter((p) => p.variant?.status === 'done').map((p) => p.totalTokens)).toEqual([tok[0], tok[0]! + tok[1]!])
    // Both variants get the same offline score: a tie, no "best" variant.
    expect(d.teams).toEqual([{ team: 'demo_team', variants: 2, done: 2, failed: 0, meanScore: 1, bestVariant: null, bestScore: 1, tie: true, tiedVariants: ['v000', 'v001'], totalTokens: progress.at(-1)!.totalTokens, costUsd: expect.any(Number) }])
    expect([d.ledgerEnabled, d.ledgerFlows]).toEqual([true, { transfers: 0, volume: '0.00', agents: [] }])
    expect(d.ledgerBefore?.label).toBe('before')
    expect(d.ledgerAfter?.label).toBe('after')

    const csv = await typed(transport)('rollouts:export', { id, format: 'csv' })
    expect(csv).toEqual({ ok: true, data: { fileName: `${id}.csv`, mime: 'text/csv', rows: 2, text: expect.stringMatching(/^rollout_id,team,variant,position,status,error,conversation_id,score,score\.gpt4_judge,offline,tokens,.*,answer,judge_comment,comment\.gpt4_judge\n/) } })
    const jsonl = await typed(transport)('rollouts:export', { id, format: 'jsonl' })
    if (!jsonl.ok) throw new Error(jsonl.error.message)
    const rows = jsonl.data.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map((r) => [r.variant, r.answer, r.judge_comment, r.rollout_name])).toEqual(d.variants.map((v) => [v.variantId, v.metrics!.answer, v.metrics!.scores[0]!.comment, d.name]))
    expect(rows.every((r) => typeof r.answer === 'string' && r.answer.length > 0)).toBe(true)
    const cmp = await typed(transport)('rollouts:compare', { left: id, right: id })
    expect(cmp.ok && cmp.data.map((r) => [r.variant, r.scoreDelta, r.costDelta, r.tokensDelta])).toEqual([['demo_team/v000', 0, 0, 0], ['demo_team/v001', 0, 0, 0]])
    expect(await typed(transport)('rollouts:resume', { id })).toEqual({ ok: false, error: { code: 'ROLLOUT_FINISHED', message: `rollout ${id} has no unfinished variants; nothing to resume` } })
    expect(await typed(transport)('rollouts:get', { id: 'ro_missing' })).toEqual({ ok: false, error: { code: 'ROLLOUT_NOT_FOUND', message: `no rollout "ro_missing"; recent: ${id}` } })
  })
})

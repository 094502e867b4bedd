import { describe, expect, it } from 'vitest'
import { deepMerge, expandRollout, RolloutSpecSchema } from './rollout'

describe('rollout spec', () => {
  it('expands list variants with base deep-merged, YAML ids kept and positional ids otherwise', () => {
    const spec = RolloutSpecSchema.parse({
      teams: {
        t: {
          initial_message: 'hello',
          base: { agent_id: 'a', model: 'm', extra: { x: 1, y: [1, 2] } },
          variants: [{ tools: ['get_weather'], extra: { y: [3] } }, { id: 'named', initial_message: 'own', model: 'm2' }],
          eval: { evaluator_id: 'gpt4_judge', judge_version: 0.4 },
        },
      },
    })
    const evalCfg = { evaluator_id: 'gpt4_judge', judge_version: '0.4', metric: 'score', timeout_sec: 900 }
    expect(expandRollout(spec)).toEqual([
      { teamId: 't', id: 'v000', position: 'v000', index: 0, agentId: 'a', initialMessage: 'hello', eval: evalCfg,
        overrides: { agent_id: 'a', model: 'm', extra: { x: 1, y: [3] }, tools: ['get_weather'] } },
      { teamId: 't', id: 'named', position: 'v001', index: 1, agentId: 'a', initialMessage: 'own', eval: evalCfg,
        overrides: { agent_id: 'a', model: 'm2', extra: { x: 1, y: [1, 2] }, id: 'named', initial_message: 'own' } },
    ])
  })

  it('expands the dict form as a cartesian product, first key slowest', () => {
    const spec = RolloutSpecSchema.parse({
      teams: { g: { initial_message: 'q', base: { agent_id: 'a' }, variants: { model: ['m1', 'm2'], temperature: [0.1, 0.9] } } },
    })
    expect(expandRollout(spec).map((v) => [v.id, v.overrides])).toEqual([
      ['v000', { agent_id: 'a', model: 'm1', temperature: 0.1 }],
      ['v001', { agent_id: 'a', model: 'm1', temperature: 0.9 }],
      ['v002', { agent_id: 'a', model: 'm2', temperature: 0.1 }],
      ['v003', { agent_id: 'a', model: 'm2', temperature: 0.9 }],
    ])
  })

  it('rejects a variant without agent_id or initial message and duplicate ids', () => {
    const r = RolloutSpecSchema.safeParse({ teams: { t: { variants: [{ id: 'x' }, { id: 'x', agent_id: 'a', initial_message: 'm' }] } } })
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['teams.t.variants.0', 'variant x has no agent_id (set it in the team\'s base or in the variant)'],
      ['teams.t.variants.0', 'variant x has no initial_message (set it on the team, in base or in the variant)'],
      ['teams.t.variants.1.id', 'duplicate variant id "x" (also used by variant 0)'],
    ])
  })

  it('deepMerge merges maps and replaces lists and scalars', () => {
    expect(deepMerge({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: { e: 1 } })).toEqual({ a: { b: 1, c: [2] }, d: { e: 1 } })
  })
})

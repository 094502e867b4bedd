import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { rolloutsHarness, typed } from './rolloutsTestKit'

let h: ReturnType<typeof rolloutsHarness> | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('rollouts:validate on the learning rollout', () => {
  it('accepts the seed YAML and returns its warnings (unknown tools, keys with no effect) for the app to show', async () => {
    h = rolloutsHarness()
    const yaml = readFileSync(join(CONFIG_DIR, 'learning_rollout.yml'), 'utf8')
    const r = await typed(h.transport)('rollouts:validate', { yaml, fileName: 'learning_rollout.yml' })
    expect(r).toEqual({
      ok: true,
      data: {
        ok: true, file: 'learning_rollout.yml', errors: [], teams: ['autonomous_team'],
        variants: [{ team: 'autonomous_team', variantId: 'v000', agentId: 'agent_alpha' }, { team: 'autonomous_team', variantId: 'v001', agentId: 'agent_alpha' }],
        warnings: [
          expect.stringMatching(/^learning_rollout\.yml:10 teams\.autonomous_team\.variants\[0\]\.tools: unknown tool "analyze"; .*named by variants v000, v001, which run without it/),
          expect.stringMatching(/^learning_rollout\.yml:10 .*unknown tool "verify"/),
          expect.stringMatching(/^learning_rollout\.yml:13 .*unknown tool "learn"; .*named by variant v001, which runs without it/),
          expect.stringMatching(/^learning_rollout\.yml:8 teams\.autonomous_team\.base\.reasoning_policy: variant parameters reasoning_policy, search_depth have no effect on the engine/),
        ],
      },
    })
  })
})

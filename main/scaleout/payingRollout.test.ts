import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { startCluster, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { team: string; variantId: string; status: string; worker?: string; metrics: { score: number; ledger: { transfers: unknown[] } | null } }[] }

describe.skipIf(!hasRedisServer())('a paying rollout on 2 workers with the embedded ledger (real redis-server, worker processes)', () => {
  let c: Cluster
  let run: Awaited<ReturnType<Cluster['run']>>
  let workers: Proc[] = []
  // Cold processes: the rollout runs here; the tests check the coordinator's one ledger.
  beforeAll(async () => {
    c = await startCluster({ offline: true, ledger: true })
    workers = await Promise.all([c.worker('w1'), c.worker('w2')])
    run = await c.run('coordinator', 'rollout', 'start', join(SHIPPED_CONFIG, 'rollout_task_with_payment.yml'))
  }, 18_000)
  afterAll(async () => c?.stop())

  it('every variant is done and each payment landed once in the coordinator\'s ledger; ledger audit holds', async () => {
    expect([run.code, workers.length]).toEqual([0, 2])
    const id = /Launching rollout (\S+)/.exec(run.out)![1]!
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => [v.team, v.variantId, v.status, v.metrics.score])).toEqual([
      ['weather_service', 'weather_provider', 'done', 1], ['payment_coordinator', 'service_payment', 'done', 1],
    ])
    expect(shown.variants.every((v) => v.worker === 'w1' || v.worker === 'w2')).toBe(true)
    const history = JSON.parse((await c.run('coordinator', 'ledger', 'history', 'agent_helper', '--json')).out) as { fromAgent: string; toAgent: string; amount: string }[]
    expect(history.map((t) => [t.fromAgent, t.toAgent, t.amount])).toEqual([['agent_alpha', 'agent_helper', '15.0']])
    const audit = await c.run('coordinator', 'ledger', 'audit')
    expect([audit.code, audit.out]).toEqual([0, expect.stringContaining('✓ Invariants hold')])
    // The workers' own homes hold no transfers: every ledger call went to the coordinator.
    for (const w of ['w1', 'w2']) expect(JSON.parse((await c.run(w, 'ledger', 'history', '--json')).out)).toEqual([])
  })
})

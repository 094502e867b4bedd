import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { startCluster, starts, until, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { team: string; variantId: string; status: string; worker?: string }[] }

describe.skipIf(!hasRedisServer())('Redis restarted mid-rollout (AOF; real redis-server, worker process)', () => {
  let c: Cluster
  let w1: Proc
  let run: Awaited<ReturnType<Cluster['run']>>
  // The scenario runs here (cold processes, a restart while jobs are in flight); the test checks what it left.
  beforeAll(async () => {
    c = await startCluster({ latencyMs: 150, aof: true })
    ;[w1] = await Promise.all([c.worker('w1', 2), c.run('coordinator', 'rollout', 'list')])
    const rollout = c.run('coordinator', 'rollout', 'start', join(SHIPPED_CONFIG, 'rollout_joke.yml'))
    await until(() => w1.lines.some((l) => / done /.test(l)), 10_000, 'a first variant to finish')
    await c.redis.restart()
    run = await rollout
  }, 18_000)
  afterAll(async () => c?.stop())

  it('the coordinator and the worker reconnect and every variant completes once', async () => {
    expect(run.code).toBe(0)
    const id = /Launching rollout (\S+)/.exec(run.out)![1]!
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => [v.status, v.worker])).toEqual(Array(6).fill(['done', 'w1']))
    for (const v of shown.variants) expect(starts(w1, `${id}:${v.team}/${v.variantId}`)).toBe(1)
  })
})

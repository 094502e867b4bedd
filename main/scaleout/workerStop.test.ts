import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { startCluster, until, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { status: string; worker?: string }[] }

const count = (p: Proc, re: RegExp): number => p.lines.filter((l) => re.test(l)).length

describe.skipIf(!hasRedisServer())('a worker stopped with SIGTERM mid-rollout (real redis-server, worker processes)', () => {
  let c: Cluster
  let w1: Proc
  let w2: Proc
  let exit: number | string
  let run: Awaited<ReturnType<Cluster['run']>>
  // The scenario runs here (cold processes); the test checks what it left.
  beforeAll(async () => {
    c = await startCluster({ latencyMs: 200 })
    ;[w1] = await Promise.all([c.worker('w1', 2), c.run('coordinator', 'rollout', 'list')])
    const rollout = c.run('coordinator', 'rollout', 'start', join(SHIPPED_CONFIG, 'rollout_joke.yml'))
    await until(() => count(w1, / started/) > 0, 10_000, 'w1 to take a job')
    w1.child.kill('SIGTERM')
    exit = await w1.exited
    // The rest of the rollout waits in the queue for the next worker.
    w2 = await c.worker('w2', 2)
    run = await rollout
  }, 18_000)
  afterAll(async () => c?.stop())

  it('the worker finishes the jobs it runs, takes no new ones and exits 0; another worker runs the rest', async () => {
    expect([exit, w1.lines.some((l) => l.includes('SIGTERM: worker w1 takes no new jobs')), w1.lines.at(-1)]).toEqual([0, true, 'worker w1 stopped'])
    // Every job w1 started, it finished.
    expect(count(w1, / done /)).toBe(count(w1, / started/))
    expect(run.code).toBe(0)
    const id = /Launching rollout (\S+)/.exec(run.out)![1]!
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => v.status)).toEqual(Array(6).fill('done'))
    expect(shown.variants.filter((v) => v.worker === 'w1')).toHaveLength(count(w1, / done /))
    expect(shown.variants.filter((v) => v.worker === 'w2')).toHaveLength(6 - count(w1, / done /))
    expect(count(w2, /attempt 2/)).toBe(0)
  })
})

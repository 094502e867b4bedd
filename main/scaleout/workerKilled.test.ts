import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { startCluster, starts, until, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { team: string; variantId: string; status: string; worker?: string }[] }

const jobOf = (line: string): string | undefined => /\] (\S+) started/.exec(line)?.[1]
const doneLines = (p: Proc, jobId: string): number => p.lines.filter((l) => l.includes(` ${jobId} done`)).length

describe.skipIf(!hasRedisServer())('a worker killed with -9 mid-rollout (real redis-server, worker processes)', () => {
  let c: Cluster
  let w1: Proc
  let w2: Proc
  let run: Awaited<ReturnType<Cluster['run']>>
  let killedJobs: string[] = []
  // The scenario runs here (cold processes, a 3 s job lock to expire); the tests check what it left.
  beforeAll(async () => {
    c = await startCluster({ latencyMs: 150, lockMs: 3000 })
    ;[w1, w2] = await Promise.all([c.worker('w1'), c.worker('w2'), c.run('coordinator', 'rollout', 'list')])
    const rollout = c.run('coordinator', 'rollout', 'start', join(SHIPPED_CONFIG, 'rollout_joke.yml'))
    await until(() => w1.lines.some((l) => jobOf(l)), 8000, 'w1 to take a job')
    w1.child.kill('SIGKILL')
    await w1.exited
    // The jobs w1 had started and not finished: they must complete once, on w2.
    killedJobs = w1.lines.map(jobOf).filter((j): j is string => !!j && doneLines(w1, j) === 0)
    run = await rollout
  }, 18_000)
  afterAll(async () => c?.stop())

  it('every variant completes once: the killed worker\'s jobs are retried on the other worker after their lock expires', async () => {
    expect([run.code, killedJobs.length > 0]).toEqual([0, true])
    const id = /Launching rollout (\S+)/.exec(run.out)![1]!
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => v.status)).toEqual(Array(6).fill('done'))
    for (const v of shown.variants) {
      const job = `${id}:${v.team}/${v.variantId}`
      // Done exactly once across both workers, and recorded under the worker that finished it.
      expect(doneLines(w1, job) + doneLines(w2, job)).toBe(1)
      expect(v.worker).toBe(doneLines(w1, job) ? 'w1' : 'w2')
    }
    for (const job of killedJobs) {
      expect(w2.lines.filter((l) => l.includes(` ${job} started (attempt 2)`))).toHaveLength(1)
      expect(starts(w2, job)).toBe(1)
    }
  })
})

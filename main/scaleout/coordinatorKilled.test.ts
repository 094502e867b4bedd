import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { startCluster, starts, until, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { team: string; variantId: string; status: string; worker?: string; metrics: { score: number } | null }[] }

const JOBS = ['joke_team', 'pun_team'].flatMap((t) => ['good', 'mediocre', 'bad'].map((v) => `${t}/${v}`))

describe.skipIf(!hasRedisServer())('the coordinator killed mid-rollout, then `rollout resume` (real redis-server, worker process)', () => {
  let c: Cluster
  let w1: Proc
  let id = ''
  let beforeResume: Shown
  // The scenario's slow part (cold processes, a coordinator killed while its worker runs on) runs here.
  beforeAll(async () => {
    c = await startCluster({ latencyMs: 100 })
    const [worker] = await Promise.all([c.worker('w1', 3), c.run('coordinator', 'rollout', 'list')])
    w1 = worker
    const coordinator = c.spawnCli('coordinator', ['rollout', 'start', join(SHIPPED_CONFIG, 'rollout_joke.yml')])
    await until(() => w1.lines.some((l) => / started/.test(l)), 10_000, 'the worker to take a job')
    coordinator.child.kill('SIGKILL')
    await coordinator.exited
    id = /Launching rollout (\S+)/.exec(coordinator.lines.join('\n'))![1]!
    // The worker finishes what was enqueued while nobody imports the results.
    await until(() => w1.lines.filter((l) => / done /.test(l)).length >= 6 || w1.lines.filter((l) => / started/.test(l)).length === w1.lines.filter((l) => / done /.test(l)).length, 8000, 'the worker to finish its jobs')
    beforeResume = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
  }, 18_000)
  afterAll(async () => c?.stop())

  it('resume imports the results that arrived meanwhile and runs no variant twice', async () => {
    // Killed before any result was imported: the coordinator's rows are still open.
    expect(beforeResume.variants.filter((v) => v.status === 'done')).toEqual([])
    const r = await c.run('coordinator', 'rollout', 'resume', id, '--follow')
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(new RegExp(`▶ Resuming rollout ${id}: 6 unfinished variant\\(s\\) on workers via redis://127\\.0\\.0\\.1:\\d+`))])
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => [v.team, v.variantId, v.status, v.worker, v.metrics?.score])).toEqual(JOBS.map((j) => [...j.split('/'), 'done', 'w1', 0.9]))
    for (const j of JOBS) expect(starts(w1, `${id}:${j}`)).toBe(1)
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG } from '../engine/config/testDirs'
import { Redis } from 'ioredis'
import { BullmqJobQueue, KEEP_FINISHED_S } from './bullmqJobQueue'
import { SECRET, sleep, startCluster, starts, until, type Cluster, type Proc } from './testing/cluster'
import { hasRedisServer } from './testing/redisServer'

interface Shown { variants: { team: string; variantId: string; status: string; worker?: string; conversationId: string; metrics: { score: number; answer: string } }[] }

describe.skipIf(!hasRedisServer())('a rollout on 2 worker processes (real redis-server, separate homes)', () => {
  let c: Cluster
  let w1: Proc
  let w2: Proc
  let id = ''
  let started: Awaited<ReturnType<Cluster['run']>>
  // The machines start cold (a worker process, its first engine context): the rollout runs here, the tests check it.
  beforeAll(async () => {
    c = await startCluster({ latencyMs: 20 })
    ;[w1, w2] = await Promise.all([c.worker('w1'), c.worker('w2'), c.run('coordinator', 'rollout', 'list')])
    started = await c.run('coordinator', 'rollout', 'start', join(SHIPPED_CONFIG, 'rollout_joke.yml'), '--follow')
  }, 18_000)
  afterAll(async () => c?.stop())

  it('every variant comes back done with its transcript, and the variant table names the worker', async () => {
    const r = started
    expect([r.code, r.err]).toEqual([0, expect.any(String)])
    expect(r.out).toMatch(/\[\d+\.\ds\] pun_team\/bad done score 0\.900/)
    id = /Launching rollout (\S+) with 2 teams, 6 variants \(on workers via redis:\/\/127\.0\.0\.1:\d+\)/.exec(r.out)![1]!
    const shown = JSON.parse((await c.run('coordinator', 'rollout', 'show', id, '--json')).out) as Shown
    expect(shown.variants.map((v) => [v.team, v.variantId, v.status, v.conversationId, v.metrics.score])).toEqual(
      ['joke_team', 'pun_team'].flatMap((t) => ['good', 'mediocre', 'bad'].map((v) => [t, v, 'done', `rollout:${id}:${t}:${v}`, 0.9])),
    )
    // Both workers took jobs (2 at a time each, 6 jobs).
    expect(new Set(shown.variants.map((v) => v.worker))).toEqual(new Set(['w1', 'w2']))
    const table = (await c.run('coordinator', 'rollout', 'show', id)).out
    expect(table).toMatch(/│\s*team\s*│\s*variant\s*│\s*worker\s*│\s*score/)
    expect(table).toMatch(/│\s*joke_team\s*│\s*good\s*│\s*w[12]\s*│\s*0\.900/)
    // The transcript is the coordinator's own now: the worker's conversation was imported.
    const conv = await c.run('coordinator', 'conversation', 'show', `rollout:${id}:pun_team:good`)
    expect([conv.code, conv.out]).toEqual([0, expect.stringContaining('agent_alpha: branch main (3 entries), 1 branch')])
    const stack = await c.run('coordinator', 'conversation', 'stack', `rollout:${id}:pun_team:good`)
    expect(stack.out).toContain('Produce five original space-themed puns')
    expect(stack.out).toContain('{"score":0.9,"comment":"fine"}')
    // Each job ran once, on one worker.
    for (const v of shown.variants) expect(starts(w1, `${id}:${v.team}/${v.variantId}`) + starts(w2, `${id}:${v.team}/${v.variantId}`)).toBe(1)
  })

  it('Redis keeps no result bundles once imported: jobs and events carry only the signed result naming its bundle', async () => {
    const redis = new Redis(c.redis.url)
    try {
      // Each bundle was stored next to its job, then released by the coordinator after its import.
      await until(async () => (await redis.keys('p2engine:results:*')).length === 0, 5000, 'result bundles released')
      const jobs = (await redis.keys('p2engine:variants:*')).filter((k) => k.split(':').length === 3 && k.includes('~'))
      expect(jobs).toHaveLength(6)
      for (const k of jobs) {
        const rv = JSON.parse((await redis.hget(k, 'returnvalue'))!) as { envelope: string }
        const { body } = JSON.parse(rv.envelope) as { body: { bundle: string; bundleRef: { bytes: number } } }
        expect([body.bundle, body.bundleRef.bytes > 1000]).toEqual(['', true])
        // Kept for the coordinator (a resume) for 7 days, then removed by BullMQ.
        expect(JSON.parse((await redis.hget(k, 'opts'))!)).toMatchObject({ removeOnComplete: { age: KEEP_FINISHED_S } })
      }
      const events = await redis.xrange('p2engine:variants:events', '-', '+')
      expect(events.filter(([, f]) => f.includes('completed'))).toHaveLength(6)
      expect(Math.max(...events.map(([, f]) => f.join('').length))).toBeLessThan(4000)
    } finally {
      redis.disconnect()
    }
  })

  it('enqueuing a finished variant again creates no job and runs nothing', async () => {
    const q = new BullmqJobQueue({ url: c.redis.url, secret: SECRET, appVersion: '0.1.0' })
    try {
      expect(await q.enqueue({ rolloutId: id, variantId: 'joke_team/good', body: { v: 1 } })).toEqual({ jobId: `${id}:joke_team/good`, created: false })
      expect(await q.outcome(`${id}:joke_team/good`)).toMatchObject({ ok: true, result: { worker: expect.stringMatching(/^w[12]$/), body: { status: 'done' } } })
    } finally {
      await q.close()
    }
    await sleep(300)
    expect(starts(w1, `${id}:joke_team/good`) + starts(w2, `${id}:joke_team/good`)).toBe(1)
    // A resume has nothing left to run: the stored rows stay as they are.
    const again = await c.run('coordinator', 'rollout', 'resume', id)
    expect(again.out).toContain(`Rollout ${id} is already done; nothing to resume.`)
  })
})

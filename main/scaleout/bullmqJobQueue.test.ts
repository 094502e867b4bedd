import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ReceivedVariantJob } from '../engine/ports/jobQueue'
import { BullmqJobQueue, bullmqJobId } from './bullmqJobQueue'
import { signResult } from './jobSigning'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

const SECRET = 'coordinator-and-workers-share-this'
let n = 0

describe.skipIf(!hasRedisServer())('BullMQ job queue against a real redis-server', () => {
  let redis: RedisServer
  const open: BullmqJobQueue[] = []
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })
  afterEach(async () => {
    for (const q of open.splice(0)) await q.close()
  })
  /** A queue handle on a fresh prefix per test (tests share one server, never one queue). */
  const handle = (prefix: string, o: { secret?: string; appVersion?: string } = {}) => {
    const q = new BullmqJobQueue({ url: redis.url, secret: o.secret ?? SECRET, appVersion: o.appVersion ?? '1.0.0', prefix, heartbeatTtl: 3000 })
    open.push(q)
    return q
  }
  const settledOnce = (q: BullmqJobQueue) => new Promise<Parameters<Parameters<BullmqJobQueue['onSettled']>[0]>[0]>((resolve) => void q.onSettled(resolve))

  it('enqueue twice = one job, run once; the result comes back with the worker name and stays readable', async () => {
    const prefix = `t${++n}`
    const coordinator = handle(prefix)
    const settled = settledOnce(coordinator)
    await coordinator.onSettled(() => undefined) // listening before anything is enqueued
    expect(await coordinator.enqueue({ rolloutId: 'ro_a', variantId: 'v:0', body: { spec: 'demo' } })).toEqual({ jobId: 'ro_a:v:0', created: true })
    expect(await coordinator.enqueue({ rolloutId: 'ro_a', variantId: 'v:0', body: { spec: 'other' } })).toEqual({ jobId: 'ro_a:v:0', created: false })
    const seen: ReceivedVariantJob[] = []
    handle(prefix).consume(async (job, ctx) => {
      seen.push(job)
      await ctx.heartbeat(50)
      return { bundle: `bundle of ${job.variantId}` }
    }, { worker: 'w1', concurrency: 2 })
    const result = { jobId: 'ro_a:v:0', rolloutId: 'ro_a', variantId: 'v:0', worker: 'w1', body: { bundle: 'bundle of v:0' } }
    expect(await settled).toEqual({ jobId: 'ro_a:v:0', ok: true, result })
    expect(seen).toEqual([{ jobId: 'ro_a:v:0', rolloutId: 'ro_a', variantId: 'v:0', body: { spec: 'demo' }, appVersion: '1.0.0', attempt: 1 }])
    expect(await coordinator.outcome('ro_a:v:0')).toEqual({ jobId: 'ro_a:v:0', ok: true, result })
    expect(await coordinator.outcome('ro_a:v:9')).toBeUndefined()
    expect(await coordinator.liveWorkers()).toEqual(['w1'])
    const raw = new Queue('variants', { connection: { url: redis.url }, prefix })
    expect(await raw.getJobCounts('completed', 'wait', 'active')).toEqual({ completed: 1, wait: 0, active: 0 })
    await raw.close()
  })

  it('a worker refuses an unsigned job and one signed with another secret (they fail, never run), and hands back a job from another version', async () => {
    const prefix = `t${++n}`
    const refused: [string, boolean][] = []
    const failures: string[] = []
    const coordinator = handle(prefix)
    await coordinator.onSettled((s) => void (s.ok ? undefined : failures.push(s.error)))
    const raw = new Queue('variants', { connection: { url: redis.url }, prefix })
    await raw.add('variant', { spec: 'rm -rf /' }, { jobId: bullmqJobId('ro_x', 'evil') })
    await handle(prefix, { secret: 'a-stranger-who-can-write-to-redis' }).enqueue({ rolloutId: 'ro_x', variantId: 'forged', body: {} })
    await handle(prefix, { appVersion: '0.9.0' }).enqueue({ rolloutId: 'ro_x', variantId: 'old', body: {} })
    let ran = 0
    const w1 = handle(prefix).consume(async () => ++ran, {
      worker: 'w1',
      onRefused: (m, atFault) => {
        refused.push([m, atFault])
        if (atFault) void w1.stop() // as `p2engine worker` does
      },
    })
    for (let i = 0; i < 200 && (failures.length < 2 || refused.length < 3); i++) await new Promise((r) => setTimeout(r, 10))
    const expected = [
      'job ro_x:evil refused: it is not signed (expected {envelope, sig}); only a coordinator with the shared secret (redis.secret / P2ENGINE_JOB_SECRET) can enqueue jobs',
      'job ro_x:forged refused: bad signature; the coordinator and this worker must share the same secret (redis.secret / P2ENGINE_JOB_SECRET)',
    ]
    const old = "job ro_x:old refused: it was enqueued by P2Engine 0.9.0 and this worker runs 1.0.0; run workers with the coordinator's version; the job stays queued for a worker that can run it"
    expect([ran, failures.sort(), refused.sort()]).toEqual([0, expected, [[expected[0], false], [expected[1], false], [old, true]]])
    expect(await coordinator.outcome('ro_x:evil')).toEqual({ jobId: 'ro_x:evil', ok: false, error: expected[0] })
    // The old-version job was not failed: a worker of its version runs it.
    expect(await coordinator.outcome('ro_x:old')).toBeUndefined()
    const settled = settledOnce(coordinator)
    handle(prefix, { appVersion: '0.9.0' }).consume(async () => 'ran on 0.9.0', { worker: 'w-old' })
    expect(await settled).toMatchObject({ jobId: 'ro_x:old', ok: true, result: { worker: 'w-old', body: 'ran on 0.9.0' } })
    await raw.close()
  })

  it('a worker whose secret no coordinator uses hands the job back and says so; a worker with the right secret runs it', async () => {
    const prefix = `t${++n}`
    const coordinator = handle(prefix)
    const settled = settledOnce(coordinator)
    await coordinator.enqueue({ rolloutId: 'ro_y', variantId: 'v0', body: {} })
    const wrong = handle(prefix, { secret: 'this-worker-was-given-another-one' })
    expect([await wrong.secretKnown(), await coordinator.secretKnown()]).toEqual([false, true])
    const refused: [string, boolean][] = []
    const w = wrong.consume(async () => 'must not run', { worker: 'wrong', onRefused: (m, atFault) => { refused.push([m, atFault]); void w.stop() } })
    for (let i = 0; i < 200 && !refused.length; i++) await new Promise((r) => setTimeout(r, 10))
    expect(refused).toEqual([['job ro_y:v0 refused: bad signature; the coordinator and this worker must share the same secret (redis.secret / P2ENGINE_JOB_SECRET); the job stays queued for a worker that can run it', true]])
    handle(prefix).consume(async () => 'ran', { worker: 'right' })
    expect(await settled).toMatchObject({ jobId: 'ro_y:v0', ok: true, result: { worker: 'right', body: 'ran' } })
  })

  it('a job completed with a forged result (unsigned, signed with another secret, or another job\'s signed result) is refused, not imported', async () => {
    const prefix = `t${++n}`
    const coordinator = handle(prefix)
    const settled: unknown[] = []
    await coordinator.onSettled((s) => void settled.push(s))
    for (const v of ['plain', 'stranger', 'copied']) await coordinator.enqueue({ rolloutId: 'ro_f', variantId: v, body: {} })
    // A stranger with write access to Redis takes the jobs and completes them with results of theirs.
    const forged = (v: string) => ({ jobId: `ro_f:${v}`, rolloutId: 'ro_f', variantId: v, worker: 'w1', body: { status: 'done', metrics: { score: 1 } } })
    const returnvalues: Record<string, unknown> = {
      plain: forged('plain'),
      stranger: signResult('a-stranger-who-can-write-to-redis', forged('stranger')),
      copied: signResult(SECRET, forged('another-job')),
    }
    const raw = new Worker('variants', null, { connection: { url: redis.url }, prefix, autorun: false })
    for (let i = 0; i < 3; i++) {
      const job = (await raw.getNextJob('stranger-token'))!
      await job.moveToCompleted(returnvalues[decodeURIComponent(job.id!.split('~')[1]!)], 'stranger-token', false)
    }
    for (let i = 0; i < 200 && settled.length < 3; i++) await new Promise((r) => setTimeout(r, 10))
    const unsigned = (v: string) => `job ro_f:${v}: result not imported: it was not signed with the shared secret (redis.secret / P2ENGINE_JOB_SECRET); only a worker holding it can complete jobs`
    const expected = [
      { jobId: 'ro_f:copied', ok: false, error: 'job ro_f:copied: result not imported: its signed envelope is for job ro_f:another-job' },
      { jobId: 'ro_f:plain', ok: false, error: unsigned('plain') },
      { jobId: 'ro_f:stranger', ok: false, error: unsigned('stranger') },
    ]
    const byId = (a: unknown[]) => [...a].sort((x, y) => ((x as { jobId: string }).jobId < (y as { jobId: string }).jobId ? -1 : 1))
    expect(byId(settled)).toEqual(expected)
    // A coordinator that was down meanwhile (resume) reads the same refusal from the stored outcome.
    expect(await Promise.all(['copied', 'plain', 'stranger'].map((v) => coordinator.outcome(`ro_f:${v}`)))).toEqual(expected)
    await raw.close()
  })

  it('a blob shared once (a rollout\'s config snapshot) is fetched by its hash; one changed in Redis is refused', async () => {
    const prefix = `t${++n}`
    const coordinator = handle(prefix)
    const worker = handle(prefix)
    const text = JSON.stringify({ text: { 'agents.yml': 'agents: []' }, base64: {} })
    const hash = await coordinator.shareBlob(text)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await coordinator.shareBlob(text)).toBe(hash)
    expect(await worker.fetchBlob(hash)).toBe(text)
    expect(await worker.fetchBlob('0'.repeat(64))).toBeUndefined()
    const client = new Redis(redis.url)
    expect(await client.ttl(`${prefix}:snapshots:${hash}`)).toBeGreaterThan(6 * 24 * 3600)
    await client.set(`${prefix}:snapshots:${hash}`, text.replace('[]', '[evil]'))
    await expect(worker.fetchBlob(hash)).rejects.toThrow(`shared blob ${prefix}:snapshots:${hash} was changed in Redis (its SHA-256 differs); not used`)
    client.disconnect()
  })
})

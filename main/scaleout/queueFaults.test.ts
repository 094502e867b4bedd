import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BullmqJobQueue } from './bullmqJobQueue'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

const PROBE = join(import.meta.dirname, 'testing', 'workerProbe.ts')
const SECRET = 'coordinator-and-workers-share-this'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

describe.skipIf(!hasRedisServer())('BullMQ queue faults (real redis-server, real worker process)', () => {
  let redis: RedisServer
  let child: ChildProcess
  const lines: string[] = []
  beforeAll(async () => {
    redis = await startRedis({ aof: true })
    child = spawn(process.execPath, ['--import', 'tsx', PROBE, redis.url, 'faults', SECRET, 'doomed', 'hang'], { stdio: ['ignore', 'pipe', 'inherit'] })
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l))
    await until(() => lines.includes('ready'), 9000, 'the worker process')
  }, 10_000)
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await redis?.stop()
  })

  it('a worker killed with -9 mid-job: the job is handed to another worker after its lock expires and completes once', async () => {
    const coordinator = new BullmqJobQueue({ url: redis.url, prefix: 'faults', secret: SECRET, appVersion: '1.0.0' })
    const settled: unknown[] = []
    await coordinator.onSettled((s) => void settled.push(s))
    await coordinator.enqueue({ rolloutId: 'ro_k', variantId: 'v000', body: { n: 1 } })
    await until(() => lines.includes('started ro_k:v000'), 3000, 'the doomed worker to take the job')
    child.kill('SIGKILL')
    const rescuer = new BullmqJobQueue({ url: redis.url, prefix: 'faults', secret: SECRET, appVersion: '1.0.0', lockDuration: 1000, stalledInterval: 300 })
    const attempts: number[] = []
    rescuer.consume(async (job) => { attempts.push(job.attempt); return { echoed: job.body } }, { worker: 'rescuer' })
    await until(() => settled.length > 0, 4000, 'the stalled job to complete elsewhere')
    expect(settled).toEqual([{ jobId: 'ro_k:v000', ok: true, result: { jobId: 'ro_k:v000', rolloutId: 'ro_k', variantId: 'v000', worker: 'rescuer', body: { echoed: { n: 1 } } } }])
    expect(attempts).toEqual([2])
    await rescuer.close()
    await coordinator.close()
  })

  it('Redis restarted (AOF) between enqueue and consume: the job survives and the clients reconnect', async () => {
    const coordinator = new BullmqJobQueue({ url: redis.url, prefix: 'restart', secret: SECRET, appVersion: '1.0.0' })
    await coordinator.enqueue({ rolloutId: 'ro_r', variantId: 'v001', body: { n: 2 } })
    await redis.restart()
    const worker = new BullmqJobQueue({ url: redis.url, prefix: 'restart', secret: SECRET, appVersion: '1.0.0' })
    worker.consume(async (job) => ({ echoed: job.body }), { worker: 'after-restart' })
    await until(async () => (await coordinator.outcome('ro_r:v001').catch(() => undefined)) !== undefined, 4000, 'the job after the restart')
    expect(await coordinator.outcome('ro_r:v001')).toMatchObject({ ok: true, result: { worker: 'after-restart', body: { echoed: { n: 2 } } } })
    await worker.close()
    await coordinator.close()
  })
})

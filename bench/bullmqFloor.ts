// The queue's floor on this machine: BullMQ alone (no P2Engine), one trivial job at a time from
// this process to a worker process on the same redis-server, timed like the distributed rows
// (enqueue → the worker starts it, the worker finishes → this process has its `completed` event).
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { Queue, QueueEvents } from 'bullmq'

const JOBS = 30
const WARM = 5
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** A worker process that answers each job with its start and finish times and `bytes` of payload. */
const WORKER = (bullmq: string, url: string, bytes: number) => `
const { Worker } = require(${JSON.stringify(bullmq)})
const payload = 'x'.repeat(${bytes})
new Worker('floor', async () => ({ startedAt: Date.now(), payload, finishedAt: Date.now() }), { connection: { url: ${JSON.stringify(url)}, maxRetriesPerRequest: null }, prefix: 'floor', concurrency: 16 })
  .waitUntilReady().then(() => process.stdout.write('ready\\n'))
`

export async function benchBullmqFloor(url: string, resultBytes: number): Promise<{ queued: number; finished: number }> {
  const bullmq = createRequire(import.meta.url).resolve('bullmq')
  const child = spawn(process.execPath, ['-e', WORKER(bullmq, url, resultBytes)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const connection = { url, maxRetriesPerRequest: null }
  const queue = new Queue('floor', { connection, prefix: 'floor' })
  const events = new QueueEvents('floor', { connection, prefix: 'floor' })
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve())
      child.once('exit', (code) => reject(new Error(`bullmq floor worker exited with code ${code}`)))
    })
    await events.waitUntilReady()
    const queued: number[] = []
    const finished: number[] = []
    for (let i = 0; i < WARM + JOBS; i++) {
      const id = `j${i}`
      const done = new Promise<{ startedAt: number; finishedAt: number }>((resolve) => {
        const on = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
          if (jobId !== id) return
          events.off('completed', on)
          resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as { startedAt: number; finishedAt: number })
        }
        events.on('completed', on)
      })
      const t0 = Date.now()
      await queue.add('job', {}, { jobId: id, removeOnComplete: true })
      const r = await done
      if (i >= WARM) {
        queued.push(r.startedAt - t0)
        finished.push(Date.now() - r.finishedAt)
      }
      await new Promise((res) => setTimeout(res, 10))
    }
    return { queued: median(queued), finished: median(finished) }
  } finally {
    child.kill()
    await events.close()
    await queue.obliterate({ force: true }).catch(() => undefined)
    await queue.close()
  }
}

import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { FIXTURE_SERVER, isAlive, until } from '../../tools/mcp/testing/fixture'
import { watchWorkerChildren } from './childProcesses'

const BOOTSTRAP = fileURLToPath(new URL('../testing/tsWorker.mjs', import.meta.url))
const PROBE = fileURLToPath(new URL('../../tools/mcp/testing/threadProbe.ts', import.meta.url))

describe('children of worker threads', () => {
  it('a server started in a worker thread is stopped when the pool destroys the thread (a terminated thread cannot do it)', async () => {
    const children = watchWorkerChildren()
    const worker = new Worker(BOOTSTRAP, { workerData: { tsEntry: PROBE, fixture: FIXTURE_SERVER } })
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
      })
      const thread = worker.threadId
      await worker.terminate()
      await new Promise((r) => setTimeout(r, 50)) // the thread's report has arrived by now
      expect(isAlive(pid)).toBe(true) // terminate() alone leaves it running
      children.killThread(thread)
      expect(await until(() => !isAlive(pid))).toBe(true)
    } finally {
      children.close()
    }
  })
})

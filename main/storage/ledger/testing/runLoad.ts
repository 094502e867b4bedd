import { execFile } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { LoadJob, LoadResult } from './transferLoad'

const script = fileURLToPath(new URL('./transferLoad.ts', import.meta.url))
const bootstrap = fileURLToPath(new URL('../../../engine/testing/tsWorker.mjs', import.meta.url))

/** Runs a load job in a worker thread (TypeScript through tsx). */
export function loadInThread(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(bootstrap, { workerData: { ledgerLoad: job, tsEntry: pathToFileURL(script).href } })
    w.once('message', resolve)
    w.once('error', reject)
    w.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)))
  })
}

/** Runs a load job in a separate Node process. */
export function loadInProcess(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, '--ledger-load', JSON.stringify(job)], (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`))
      resolve(JSON.parse(stdout) as LoadResult)
    })
  })
}

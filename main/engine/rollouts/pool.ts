import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Piscina } from 'piscina'
import type { VariantTask, VariantTaskResult } from './repository'
import type { Logger } from '../ports/logger'
import { watchWorkerChildren } from '../tools/childProcesses'

/** Runs one variant task; rejects on a crash or an abort (the runner records the error). */
export type VariantExecutor = (task: VariantTask, signal: AbortSignal) => Promise<VariantTaskResult>

/**
 * The variant worker entry: the built `runVariant.js` next to the running bundle (electron-vite
 * main entry), else the TypeScript source through tsx (CLI from source, tests, benchmarks).
 */
export function variantWorkerFile(): { filename: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  // Bundled: the entry sits in out/main, this code in out/main or in a shared chunk below it.
  for (const built of [join(here, 'runVariant.js'), join(here, '..', 'runVariant.js')]) {
    if (existsSync(built)) return { filename: built, execArgv: [] }
  }
  const source = fileURLToPath(new URL('../../../workers/runVariant.ts', import.meta.url))
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
  return { filename: source, execArgv: ['--import', pathToFileURL(join(tsxDir, 'dist', 'loader.mjs')).href] }
}

/** A piscina pool of at most `threads` variant workers. A hung task is killed by its signal. */
export function variantPool(threads: number, o: { keepWarm?: boolean; logger?: Logger } = {}): { run: VariantExecutor; close: () => Promise<void> } {
  const { filename, execArgv } = variantWorkerFile()
  const pool = new Piscina({
    filename, execArgv, maxThreads: threads, minThreads: o.keepWarm ? threads : 0, idleTimeout: o.keepWarm ? 600_000 : 1000, concurrentTasksPerWorker: 1,
  })
  // MCP servers a worker thread started stop with the thread (a terminated thread cannot stop them itself).
  const children = watchWorkerChildren()
  pool.on('workerDestroy', (w: { id: number }) => children.killThread(w.id))
  const log = o.logger
  if (log) {
    pool.on('workerCreate', (w: { id: number }) => log.info('worker thread started', { thread: w.id, maxThreads: threads }))
    pool.on('workerDestroy', (w: { id: number }) => log.info('worker thread exited', { thread: w.id }))
    pool.on('error', (err: unknown) => log.error('worker thread crashed', { err: { message: err instanceof Error ? err.message : String(err) } }))
  }
  return {
    run: (task, signal) => pool.run(task, { signal }) as Promise<VariantTaskResult>,
    close: async () => {
      await pool.destroy()
      children.killAll()
      children.close()
    },
  }
}

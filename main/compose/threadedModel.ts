import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AppError, ProviderError } from '../engine/errors'
import type { ModelRouterOptions } from '../engine/models/router'
import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse } from '../engine/ports/model'
import type { ModelCallMessage, ModelCallReply } from '../../workers/modelCalls'

/**
 * Starts the model-call worker: the built `modelCalls.js` next to the bundle, else the
 * TypeScript source, imported once tsx's hooks are registered in the new thread.
 */
function startWorker(workerData: ModelRouterOptions): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const built of [join(here, 'modelCalls.js'), join(here, '..', 'modelCalls.js')]) {
    if (existsSync(built)) return new Worker(built, { workerData })
  }
  const source = pathToFileURL(fileURLToPath(new URL('../../workers/modelCalls.ts', import.meta.url))).href
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(source)}) })`, { eval: true, workerData })
}

/**
 * A model provider whose calls run on one worker thread (`workers/modelCalls.ts`, the model
 * router there): the HTTP client's CPU leaves the thread that runs the engine and writes the
 * database. Requests and answers are plain data; a provider failure comes back as the same
 * `ProviderError` (code and message), so limits, retries and step policies behave as in-thread.
 */
export class ThreadedModelProvider implements ModelProvider {
  readonly label = 'model router (worker thread)'
  private readonly worker: Worker
  private readonly pending = new Map<number, { resolve: (r: ModelResponse) => void; reject: (e: unknown) => void }>()
  private next = 0

  constructor(options: ModelRouterOptions) {
    this.worker = startWorker(options)
    this.worker.unref()
    this.worker.on('message', (m: ModelCallReply) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if ('response' in m) return p.resolve(m.response)
      const { message, code, provider } = m.error
      p.reject(provider ? new ProviderError(message, code) : code ? new AppError(code, message) : new Error(message))
    })
    const failAll = (err: unknown) => {
      for (const p of this.pending.values()) p.reject(new ProviderError(`model worker thread stopped: ${err instanceof Error ? err.message : String(err)}`, 'PROVIDER'))
      this.pending.clear()
    }
    this.worker.on('error', failAll)
    this.worker.on('exit', (code) => failAll(new Error(`exit code ${code}`)))
  }

  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse> {
    const id = this.next++
    const signal = options?.signal
    const onAbort = (): void => this.post({ id, abort: true })
    return new Promise<ModelResponse>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      this.pending.set(id, { resolve, reject })
      this.worker.ref() // keep the process alive while a call is in flight
      this.post({ id, request })
      signal?.addEventListener('abort', onAbort, { once: true })
    }).finally(() => {
      // A signal that outlives the call (one per variant or per rollout) keeps no listener per call.
      signal?.removeEventListener('abort', onAbort)
      if (this.pending.size === 0) this.worker.unref()
    })
  }

  private post(m: ModelCallMessage): void {
    this.worker.postMessage(m)
  }

  /** Stops the thread; calls still in flight fail. */
  async close(): Promise<void> {
    await this.worker.terminate()
  }
}

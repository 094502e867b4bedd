import { parentPort, workerData } from 'node:worker_threads'
import { AppError, messageOf } from '../main/engine/errors'
import { ModelRouter, type ModelRouterOptions } from '../main/engine/models/router'
import type { ModelRequest } from '../main/engine/ports/model'

/** To this thread: a model call, or the abort of one. */
export type ModelCallMessage = { id: number; request: ModelRequest } | { id: number; abort: true }
/** From this thread: the answer of call `id`, or its failure as plain data. */
export type ModelCallReply = { id: number; response: Awaited<ReturnType<ModelRouter['complete']>> } | { id: number; error: { message: string; code?: string; provider: boolean } }

/**
 * Model calls off the writer's thread: this thread owns the HTTP clients (the OpenAI SDK and its
 * fetch cost a few ms of CPU per call) and answers each request posted by `ThreadedModelProvider`.
 */
if (parentPort) {
  const port = parentPort
  const router = new ModelRouter(workerData as ModelRouterOptions)
  const inFlight = new Map<number, AbortController>()
  port.on('message', (m: ModelCallMessage) => {
    if ('abort' in m) return inFlight.get(m.id)?.abort(new Error('model call aborted'))
    const ac = new AbortController()
    inFlight.set(m.id, ac)
    router.complete(m.request, { signal: ac.signal }).then(
      (response) => port.postMessage({ id: m.id, response } satisfies ModelCallReply),
      (err: unknown) => {
        const error = err instanceof AppError ? { message: err.message, code: err.code, provider: err.name === 'ProviderError' } : { message: messageOf(err), provider: false }
        port.postMessage({ id: m.id, error } satisfies ModelCallReply)
      },
    ).finally(() => inFlight.delete(m.id))
  })
}

import { createServer } from 'node:http'
import { ProviderError } from '../../engine/errors'
import type { ModelProvider } from '../../engine/ports/model'

/**
 * Test helper: an HTTP server on 127.0.0.1 that holds each request `holdMs` and counts the
 * requests in flight (`peak` is the most at once, over every client process). A request to
 * `/429` answers 429 at once.
 */
export async function startCounterServer(holdMs: number): Promise<{ url: string; peak: () => number; total: () => number; close: () => Promise<void> }> {
  let active = 0
  let peak = 0
  let total = 0
  const server = createServer((req, res) => {
    if (req.url === '/429') {
      res.writeHead(429).end('slow down')
      return
    }
    total++
    peak = Math.max(peak, ++active)
    setTimeout(() => {
      active--
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    }, holdMs)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, peak: () => peak, total: () => total, close: () => new Promise((r) => server.close(() => r())) }
}

/** A model provider whose every call is one request to `url` (a 429 becomes RATE_LIMITED). */
export function httpCountingProvider(url: string): ModelProvider {
  return {
    label: 'counter',
    async complete(req) {
      const res = await fetch(url)
      await res.text()
      if (res.status === 429) throw new ProviderError('429 from the counter server', 'RATE_LIMITED')
      return { message: { content: 'ok', toolCalls: [] }, usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, model: req.model, provider: 'counter', latencyMs: 0, offline: false }
    },
  }
}

import { getEventListeners } from 'node:events'
import { afterAll, describe, expect, it } from 'vitest'
import { ProviderError } from '../engine/errors'
import { ModelRouter } from '../engine/models/router'
import { startFakeOpenAi } from '../engine/testing/fakeOpenAi'
import { ThreadedModelProvider } from './threadedModel'

const fake = await startFakeOpenAi()
afterAll(() => fake.close())

describe('model calls on a worker thread', () => {
  it('answers like the in-thread router, and a provider failure comes back as the same ProviderError', async () => {
    const options = { apiBase: fake.baseUrl, apiKey: 'sk-test' }
    const threaded = new ThreadedModelProvider(options)
    try {
      const request = { model: 'openai/gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }] }
      fake.push({ content: 'hello', usage: { prompt_tokens: 3, completion_tokens: 1 } }, { content: 'hello', usage: { prompt_tokens: 3, completion_tokens: 1 } })
      const here = await new ModelRouter(options).complete(request)
      const there = await threaded.complete(request)
      expect({ ...there, latencyMs: 0 }).toEqual({ ...here, latencyMs: 0 })
      fake.push({ status: 400, error: { message: 'bad request from the fake' } })
      const err = await threaded.complete(request).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ProviderError)
      expect((err as ProviderError).message).toMatch(/bad request from the fake/)
    } finally {
      await threaded.close()
    }
  })

  it('leaves no abort listener on a signal that outlives the call', async () => {
    const threaded = new ThreadedModelProvider({ apiBase: fake.baseUrl, apiKey: 'sk-test' })
    try {
      const controller = new AbortController()
      const request = { model: 'openai/gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }] }
      fake.push({ content: 'one' }, { content: 'two' })
      await threaded.complete(request, { signal: controller.signal })
      await threaded.complete(request, { signal: controller.signal })
      expect(getEventListeners(controller.signal, 'abort')).toEqual([])
    } finally {
      await threaded.close()
    }
  })
})

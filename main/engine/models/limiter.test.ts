import { describe, expect, it } from 'vitest'
import { ProviderError } from '../errors'
import type { ModelProvider, ModelRequest, ModelResponse } from '../ports/model'
import { LimitedProvider, parseConcurrencyLimits } from './limiter'

const ok = (req: ModelRequest): ModelResponse => ({ message: { content: 'ok', toolCalls: [] }, usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, model: req.model, provider: 'x', latencyMs: 0, offline: false })

describe('LimitedProvider', () => {
  it('parses limits and rejects bad ones', () => {
    expect(parseConcurrencyLimits('openai=8, ollama=2')).toEqual({ openai: 8, ollama: 2 })
    expect(parseConcurrencyLimits('4')).toEqual({ '*': 4 })
    expect(() => parseConcurrencyLimits('openai=0')).toThrow(/not valid/)
  })

  it('never runs more than the limit at once and loses no call', async () => {
    let active = 0
    let peak = 0
    const inner: ModelProvider = {
      label: 'slow',
      async complete(req) {
        peak = Math.max(peak, ++active)
        await new Promise((r) => setTimeout(r, 5))
        active--
        return ok(req)
      },
    }
    const p = new LimitedProvider(inner, { openai: 3 })
    const results = await Promise.all(Array.from({ length: 20 }, () => p.complete({ model: 'openai/gpt-4o', messages: [] })))
    expect(results).toHaveLength(20)
    expect(peak).toBe(3)
  })

  it('halves the limit on a rate limit and grows it back on successes', async () => {
    let fail = true
    const inner: ModelProvider = { label: 'x', async complete(req) { if (fail) throw new ProviderError('slow down', 'RATE_LIMITED'); return ok(req) } }
    const p = new LimitedProvider(inner, { '*': 8 })
    await expect(p.complete({ model: 'ollama/llama3', messages: [] })).rejects.toThrow('slow down')
    expect(p.lane('ollama').limit).toBe(4)
    fail = false
    for (let i = 0; i < 4; i++) await p.complete({ model: 'ollama/llama3', messages: [] })
    expect(p.lane('ollama').limit).toBe(5)
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { UserInputError } from '../errors'
import type { ModelRequest } from '../ports/model'
import { startFakeOpenAi, type FakeOpenAi } from '../testing/fakeOpenAi'
import { parseModelId } from './modelId'
import { ModelRouter, probeOpenAiServer } from './router'

let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const req = (model: string): ModelRequest => ({ model, messages: [{ role: 'user', content: 'hi' }] })
const unreachable = 'http://127.0.0.1:9/v1'

describe('model ids', () => {
  it('maps provider/model ids', () => {
    expect([parseModelId('openai/gpt-4o'), parseModelId('gpt-4o'), parseModelId('vllm/meta-llama/Llama-3.1-8B')].map((p) => [p.provider, p.model])).toStrictEqual([
      ['openai', 'gpt-4o'],
      ['openai', 'gpt-4o'],
      ['vllm', 'meta-llama/Llama-3.1-8B'],
    ])
    expect(() => parseModelId('anthropic/claude')).toThrow(UserInputError)
    expect(() => parseModelId('anthropic/claude')).toThrow(
      'unknown model provider "anthropic" in model id "anthropic/claude"; expected one of openai/<model>, ollama/<model>, lmstudio/<model>, vllm/<model>, local/<model>',
    )
    expect(() => parseModelId('local/gpt')).toThrow('unknown local model "local/gpt"; the built-in offline model is local/scripted')
  })
})

describe('ModelRouter', () => {
  it('uses the OpenAI endpoint when a key is set', async () => {
    fake = await startFakeOpenAi([{ content: 'real answer' }])
    const router = new ModelRouter({ apiBase: fake.baseUrl, apiKey: 'sk-live', probe: async () => false })
    const res = await router.complete(req('openai/gpt-4o-mini'))
    expect([res.message.content, res.offline, res.provider, fake.requests[0]!.body!.model]).toStrictEqual(['real answer', false, 'openai', 'gpt-4o-mini'])
  })

  it('falls back to the labelled offline model without a key (placeholder key counts as none)', async () => {
    const router = new ModelRouter({ apiBase: 'https://api.openai.com/v1', apiKey: 'sk-your-api-key-here', probe: async () => false })
    const r = await router.resolve('openai/gpt-4o')
    expect([r.offline, r.reason, r.provider.label]).toStrictEqual([
      true,
      'no OPENAI_API_KEY and no local server at https://api.openai.com/v1',
      'local/scripted (offline: no OPENAI_API_KEY and no local server at https://api.openai.com/v1)',
    ])
    const res = await router.complete(req('openai/gpt-4o'))
    expect([res.offline, res.message.content.startsWith('[offline scripted model]')]).toStrictEqual([true, true])
  })

  it('uses a reachable local server for ollama/…, else the offline model', async () => {
    fake = await startFakeOpenAi([{ content: 'from ollama' }])
    const up = new ModelRouter({ apiBase: 'https://api.openai.com/v1', localBaseUrls: { ollama: fake.baseUrl } })
    expect((await up.complete(req('ollama/llama3.1'))).message.content).toBe('from ollama')
    const down = new ModelRouter({ apiBase: 'https://api.openai.com/v1', localBaseUrls: { lmstudio: unreachable } })
    const r = await down.resolve('lmstudio/qwen')
    expect([r.offline, r.reason]).toStrictEqual([true, `no lmstudio server reachable at ${unreachable}`])
  })

  it('an OPENAI_BASE_URL on loopback needs no key', async () => {
    fake = await startFakeOpenAi([{ content: 'local openai-compatible' }])
    const router = new ModelRouter({ apiBase: fake.baseUrl })
    expect((await router.complete(req('openai/gpt-4o'))).message.content).toBe('local openai-compatible')
  })

  it('re-checks an offline fallback after a while', async () => {
    let now = 0
    let up = false
    const router = new ModelRouter({ apiBase: 'https://api.openai.com/v1', probe: async () => up, now: () => now, localBaseUrls: { ollama: 'http://127.0.0.1:1/v1' } })
    expect((await router.resolve('ollama/x')).offline).toBe(true)
    up = true
    expect((await router.resolve('ollama/x')).offline).toBe(true)
    now = ModelRouter.RECHECK_OFFLINE_MS
    expect((await router.resolve('ollama/x')).offline).toBe(false)
  })

  it('probe', async () => {
    fake = await startFakeOpenAi()
    expect([await probeOpenAiServer(fake.baseUrl), await probeOpenAiServer(unreachable)]).toStrictEqual([true, false])
  })
})

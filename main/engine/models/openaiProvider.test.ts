import { afterEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../errors'
import type { ModelRequest } from '../ports/model'
import { startFakeOpenAi, type FakeOpenAi, type FakeReply } from '../testing/fakeOpenAi'
import { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openaiProvider'

let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const weatherTool = { name: 'get_weather', description: 'Get the current weather in a given location.', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }
const request: ModelRequest = { model: 'openai/gpt-4o', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'Weather in Paris?' }], temperature: 0.7, topP: 1 }

async function setup(replies: FakeReply[], opts: Partial<OpenAiProviderOptions> = {}) {
  fake = await startFakeOpenAi(replies)
  const sleeps: number[] = []
  let t = 0
  const provider = new OpenAiCompatibleProvider({
    baseUrl: fake.baseUrl,
    apiKey: 'sk-test',
    sleep: async (ms) => void sleeps.push(ms),
    now: () => (t += 5),
    ...opts,
  })
  return { provider, sleeps, fake }
}

describe('OpenAiCompatibleProvider against a local fake', () => {
  it('non-streaming text: request shape, usage and cost', async () => {
    const { provider, fake } = await setup([{ content: 'Sunny.', usage: { prompt_tokens: 1000, completion_tokens: 500 } }])
    const res = await provider.complete({ ...request, tools: [weatherTool], maxTokens: 50 })
    expect(res).toStrictEqual({
      message: { content: 'Sunny.', toolCalls: [] },
      usage: { promptTokens: 1000, completionTokens: 500 },
      costUsd: 0.0075,
      model: 'openai/gpt-4o',
      provider: 'openai',
      latencyMs: 5,
      offline: false,
      finishReason: 'stop',
    })
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test')
    expect(fake.requests[0]!.body).toStrictEqual({
      model: 'gpt-4o',
      messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: weatherTool }],
      tool_choice: 'auto',
      temperature: 0.7,
      top_p: 1,
      max_completion_tokens: 50,
    })
  })

  it('non-streaming tool calls, and tool messages in the history', async () => {
    const { provider, fake } = await setup([{ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' }] }])
    const res = await provider.complete({
      ...request,
      model: 'ollama/llama3.1',
      messages: [
        ...request.messages,
        { role: 'assistant', content: null, toolCalls: [{ id: 'c0', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c0', content: '{"status":"error"}' },
      ],
      maxTokens: 9,
    })
    expect(res.message).toStrictEqual({ content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' }] })
    expect([res.provider, res.costUsd, res.finishReason]).toStrictEqual(['ollama', 0, 'tool_calls'])
    const body = fake.requests[0]!.body!
    expect([body.model, body.max_tokens, (body.messages as unknown[]).slice(2)]).toStrictEqual([
      'llama3.1',
      9,
      [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c0', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c0', content: '{"status":"error"}' },
      ],
    ])
  })

  it('streams tokens over SSE with usage', async () => {
    const { provider, fake } = await setup([{ content: 'It is 22 degrees in Paris.', usage: { prompt_tokens: 7, completion_tokens: 8 } }])
    const tokens: string[] = []
    const res = await provider.complete(request, { onToken: (d) => tokens.push(d) })
    expect(tokens).toStrictEqual(['It ', 'is ', '22 ', 'degrees ', 'in ', 'Paris.'])
    expect([res.message, res.usage]).toStrictEqual([{ content: 'It is 22 degrees in Paris.', toolCalls: [] }, { promptTokens: 7, completionTokens: 8 }])
    expect(fake.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('assembles streamed tool-call deltas', async () => {
    const { provider } = await setup([
      { content: 'Checking.', toolCalls: [{ id: 'a', name: 'get_weather', arguments: '{"location":"Tokyo"}' }, { id: 'b', name: 'check_balance', arguments: '{}' }] },
    ])
    const res = await provider.complete(request, { onToken: () => undefined })
    expect(res.message).toStrictEqual({
      content: 'Checking.',
      toolCalls: [
        { id: 'a', name: 'get_weather', arguments: '{"location":"Tokyo"}' },
        { id: 'b', name: 'check_balance', arguments: '{}' },
      ],
    })
  })

  it('retries 429 honouring retry-after, and 5xx with exponential backoff', async () => {
    const { provider, sleeps, fake } = await setup([
      { status: 429, headers: { 'retry-after': '2' }, error: { message: 'slow down' } },
      { status: 503 },
      { status: 500 },
      { content: 'ok' },
    ])
    expect((await provider.complete(request)).message.content).toBe('ok')
    expect(sleeps).toStrictEqual([2000, 1000, 2000])
    expect(fake.requests).toHaveLength(4)
  })

  it('gives up after maxRetries with a ProviderError', async () => {
    const { provider, sleeps } = await setup([{ status: 429 }, { status: 429 }], { maxRetries: 1 })
    await expect(provider.complete(request)).rejects.toMatchObject({ name: 'ProviderError', code: 'RATE_LIMITED' })
    expect(sleeps).toStrictEqual([500])
  })

  it('fails at once on a rejected key, naming what to fix', async () => {
    const { provider, fake } = await setup([{ status: 401, error: { message: 'Incorrect API key' } }])
    const err = await provider.complete(request).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({
      code: 'AUTH',
      message: `openai/gpt-4o at ${fake.baseUrl}: the API key was rejected (HTTP 401); check OPENAI_API_KEY or llm.api_key`,
    })
    expect(fake.requests).toHaveLength(1)
  })

  it('times out a server that never answers', async () => {
    const { provider } = await setup([{ hang: true }], { timeoutMs: 50, maxRetries: 0 })
    await expect(provider.complete(request)).rejects.toMatchObject({ code: 'TIMEOUT' })
  })

  it('retries a timeout, then succeeds', async () => {
    const { provider, sleeps } = await setup([{ hang: true }, { content: 'late but fine' }], { timeoutMs: 50 })
    expect((await provider.complete(request)).message.content).toBe('late but fine')
    expect(sleeps).toStrictEqual([500])
  })

  it('stops when the caller aborts', async () => {
    const { provider } = await setup([{ hang: true }])
    const ac = new AbortController()
    const pending = provider.complete(request, { signal: ac.signal })
    setTimeout(() => ac.abort(), 10)
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('does not retry once tokens were streamed', async () => {
    const { provider, fake } = await setup([{ content: 'one two three', dropAfterChunks: 1 }, { content: 'never' }])
    const tokens: string[] = []
    await expect(provider.complete(request, { onToken: (t) => tokens.push(t) })).rejects.toBeInstanceOf(ProviderError)
    expect(tokens).toStrictEqual(['one '])
    expect(fake.requests).toHaveLength(1)
  })
})

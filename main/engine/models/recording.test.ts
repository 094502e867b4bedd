import { afterEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../errors'
import type { ModelProvider, ModelRequest } from '../ports/model'
import { startFakeOpenAi, type FakeOpenAi } from '../testing/fakeOpenAi'
import { OpenAiCompatibleProvider } from './openaiProvider'
import { hashCanonical } from '../tools/canonicalJson'
import { canonicalRequest, MemoryRecordingStore, RecordingProvider, requestHash } from './recording'

let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})
const req: ModelRequest = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'weather?' }], temperature: 0.7 }
const explode: ModelProvider = { label: 'never', complete: () => Promise.reject(new Error('network must not be used in replay')) }

describe('record / replay', () => {
  it('the request hash ignores key order and undefined fields', () => {
    const a = requestHash(req)
    expect(requestHash({ temperature: 0.7, messages: [{ content: 'weather?', role: 'user' }], model: 'openai/gpt-4o', topP: undefined })).toBe(a)
    expect(requestHash({ ...req, temperature: 0.2 })).not.toBe(a)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })

  it('keeps the keys of earlier recordings: the hash is that of the canonical request (one canonicalisation now, three before)', async () => {
    const tricky: ModelRequest = {
      model: 'openai/gpt-4o', temperature: 0, seed: 7, toolChoice: 'auto',
      messages: [{ role: 'system', content: 'Ünïcode ✓ "quoted"\n' }, { role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 'f', arguments: '{"b":1,"a":2}' }] }],
      tools: [{ name: 'f', description: 'd', parameters: { type: 'object', properties: { '10': { type: 'string' }, '9': { type: 'number' }, z: {}, a: { enum: [1, null] } }, required: ['z'] } }],
    }
    expect(requestHash(tricky)).toBe(hashCanonical(canonicalRequest(tricky)))
    const store = new MemoryRecordingStore()
    const echo: ModelProvider = { label: 'echo', complete: async (r) => ({ message: { content: 'ok', toolCalls: [] }, usage: { promptTokens: 1, completionTokens: 1 }, costUsd: 0, model: r.model, provider: 'x', latencyMs: 0, offline: false }) }
    await new RecordingProvider(echo, store, 'record').complete(tricky)
    const saved = await store.get(hashCanonical(canonicalRequest(tricky)), 0)
    expect(saved?.request).toStrictEqual(canonicalRequest(tricky))
  })

  it('records from a real endpoint, then replays without it, identical requests in order', async () => {
    fake = await startFakeOpenAi([{ content: 'first answer' }, { content: 'second answer' }, { toolCalls: [{ id: 't1', name: 'get_weather', arguments: '{"location":"Paris"}' }] }])
    const store = new MemoryRecordingStore()
    const recorder = new RecordingProvider(new OpenAiCompatibleProvider({ baseUrl: fake.baseUrl, apiKey: 'k' }), store, 'record')
    const other: ModelRequest = { ...req, messages: [{ role: 'user', content: 'tool please' }] }
    const live = [await recorder.complete(req), await recorder.complete(req), await recorder.complete(other)]
    expect(store.size).toBe(3)

    const replayer = new RecordingProvider(explode, store, 'replay')
    const tokens: string[] = []
    const replayed = [await replayer.complete(req, { onToken: (t) => tokens.push(t) }), await replayer.complete(req), await replayer.complete(other)]
    expect(replayed).toStrictEqual(live.map((r) => ({ ...r, replayed: true })))
    expect(tokens.join('')).toBe('first answer')
    expect(fake.requests).toHaveLength(3)
  })

  it('a replay miss is a loud ProviderError naming the hash and the model', async () => {
    const replayer = new RecordingProvider(null, new MemoryRecordingStore(), 'replay')
    const err = await replayer.complete(req).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err).toMatchObject({
      code: 'REPLAY_MISS',
      message: `replay miss: no recorded answer for request ${requestHash(req)} (occurrence 1) to model openai/gpt-4o; the conversation differs from the recording — re-run without --replay to record it`,
    })
  })

  it('counts occurrences of at most its capacity of distinct requests: memory stays flat, a forgotten request counts from the first again', async () => {
    const store = new MemoryRecordingStore()
    const answers = { label: 'echo', complete: async (r: ModelRequest) => ({ message: { content: String(r.messages[0]!.content), toolCalls: [] }, usage: { promptTokens: 1, completionTokens: 1 }, model: r.model, provider: 'test', costUsd: 0, latencyMs: 1, offline: true }) } as unknown as ModelProvider
    const recorder = new RecordingProvider(answers, store, 'record', 2)
    const ask = (content: string) => recorder.complete({ ...req, messages: [{ role: 'user', content }] })
    await ask('a')
    await ask('a')
    await ask('b')
    await ask('c') // 'a' is the least recently asked: forgotten
    await ask('a')
    expect(store.size).toBe(4) // a#0 (asked again after it was forgotten), a#1, b#0, c#0
    expect((recorder as unknown as { seen: { size: number } }).seen.size).toBe(2)
  })
})

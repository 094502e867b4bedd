import OpenAI from 'openai'
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions'
import { ProviderError, messageOf } from '../errors'
import type { ChatMessage, CompleteOptions, ModelProvider, ModelRequest, ModelResponse, ModelToolCall, ModelUsage } from '../ports/model'
import { parseModelId } from './modelId'
import { costOf, DEFAULT_PRICES, type Price } from './prices'
import { abortableSleep, retryAfterMs } from './retry'
import { bufferedFetch } from './bufferedFetch'

export interface OpenAiProviderOptions {
  /** e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string
  /** Local servers accept any key; the SDK needs a non-empty one. */
  apiKey?: string
  /** Whole-request limit in ms, streaming included (default 120 s). */
  timeoutMs?: number
  /** Retries after the first attempt on 429, 5xx, timeouts and connection errors (default 4). */
  maxRetries?: number
  /** First backoff in ms, doubled per retry (default 500), capped at `maxBackoffMs` (default 20 s). */
  backoffMs?: number
  maxBackoffMs?: number
  /** A `retry-after` longer than this fails instead of waiting (default 60 s). */
  maxRetryAfterMs?: number
  prices?: Readonly<Record<string, Price>>
  /** Injected in tests to record waits instead of sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

interface Attempt {
  emitted: boolean
}

/**
 * Every OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, vLLM) through the `openai`
 * package. The SDK's own retries are off (`maxRetries: 0`); this class retries with exponential
 * backoff, honouring `retry-after`, and never retries once tokens were streamed to the caller.
 */
export class OpenAiCompatibleProvider implements ModelProvider {
  readonly label: string
  private readonly client: OpenAI
  private readonly buffered: OpenAI
  private readonly o: Required<Omit<OpenAiProviderOptions, 'apiKey' | 'prices'>> & { prices: Readonly<Record<string, Price>> }

  constructor(options: OpenAiProviderOptions) {
    this.o = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 4,
      backoffMs: options.backoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 20_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      sleep: options.sleep ?? abortableSleep,
      now: options.now ?? (() => performance.now()),
      prices: options.prices ?? DEFAULT_PRICES,
    }
    this.label = `openai-compatible @ ${this.o.baseUrl}`
    const client = { apiKey: options.apiKey || 'not-needed', baseURL: this.o.baseUrl, maxRetries: 0, timeout: this.o.timeoutMs }
    this.client = new OpenAI(client)
    // Non-streamed calls (rollouts, judges) read the whole answer anyway: the buffered transport
    // costs half the CPU of Node's web-stream `fetch` per call.
    this.buffered = new OpenAI({ ...client, fetch: bufferedFetch })
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    const { provider, model } = parseModelId(request.model)
    const params = toParams(request, model, provider)
    const started = this.o.now()
    for (let retry = 0; ; retry++) {
      const attempt: Attempt = { emitted: false }
      try {
        const out = options.onToken ? await this.streamOnce(params, options, attempt) : await this.once(params, options)
        const usage = out.usage ?? estimateUsage(request, out.message.content)
        return {
          message: out.message,
          usage,
          costUsd: costOf(this.o.prices, `${provider}/${model}`, usage),
          model: request.model,
          provider,
          latencyMs: Math.round(this.o.now() - started),
          offline: false,
          ...(out.finishReason ? { finishReason: out.finishReason } : {}),
        }
      } catch (err) {
        const failure = this.classify(err, request.model)
        if (!failure.retryable || attempt.emitted || retry >= this.o.maxRetries) throw failure.error
        const wait = failure.retryAfterMs ?? Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** retry)
        if (wait > this.o.maxRetryAfterMs) {
          throw new ProviderError(`${failure.error.message}; the server asked to wait ${Math.ceil(wait / 1000)} s, more than the ${this.o.maxRetryAfterMs / 1000} s allowed`, failure.error.code)
        }
        try {
          await this.o.sleep(wait, options.signal)
        } catch {
          throw new ProviderError(`${request.model}: cancelled while waiting to retry`, 'ABORTED')
        }
      }
    }
  }

  private withTimeout<T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal, timedOut: () => boolean) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.o.timeoutMs)
    timer.unref?.()
    const onAbort = (): void => controller.abort()
    if (signal?.aborted) controller.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    return fn(controller.signal, () => timedOut).finally(() => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }).catch((err: unknown) => {
      if (timedOut) throw new TimeoutMarker()
      throw err
    })
  }

  /**
   * A non-streamed call. Its time limit is the SDK's own (the client's `timeout`, which covers the
   * whole answer here: the buffered fetch resolves once the body is read); it throws
   * `APIConnectionTimeoutError`, a second timer of ours would only cost CPU per call.
   */
  private async once(params: ChatCompletionCreateParams, options: CompleteOptions) {
    const res = await this.buffered.chat.completions.create(params as ChatCompletionCreateParamsNonStreaming, options.signal ? { signal: options.signal } : undefined)
    const choice = res.choices[0]
    if (!choice) throw new ProviderError(`${params.model}: the response had no choices`, 'BAD_RESPONSE')
    const toolCalls: ModelToolCall[] = (choice.message.tool_calls ?? []).flatMap((t) =>
      t.type === 'function' ? [{ id: t.id, name: t.function.name, arguments: t.function.arguments }] : [],
    )
    const usage = res.usage ? { promptTokens: res.usage.prompt_tokens, completionTokens: res.usage.completion_tokens } : undefined
    return { message: { content: choice.message.content ?? '', toolCalls }, usage, finishReason: choice.finish_reason ?? undefined }
  }

  private streamOnce(params: ChatCompletionCreateParams, options: CompleteOptions, attempt: Attempt) {
    return this.withTimeout(options.signal, async (signal) => {
      const stream = await this.client.chat.completions.create(
        { ...params, stream: true, stream_options: { include_usage: true } },
        { signal },
      )
      let content = ''
      let usage: ModelUsage | undefined
      let finishReason: string | undefined
      const calls: { id: string; name: string; arguments: string }[] = []
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens }
        const choice = chunk.choices[0]
        if (!choice) continue
        if (choice.finish_reason) finishReason = choice.finish_reason
        const delta = choice.delta
        if (delta?.content) {
          content += delta.content
          attempt.emitted = true
          options.onToken!(delta.content)
        }
        for (const t of delta?.tool_calls ?? []) {
          const slot = (calls[t.index] ??= { id: '', name: '', arguments: '' })
          if (t.id) slot.id = t.id
          if (t.function?.name) slot.name += t.function.name
          if (t.function?.arguments) slot.arguments += t.function.arguments
        }
      }
      const toolCalls = calls.filter(Boolean).map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.arguments }))
      return { message: { content, toolCalls }, usage, finishReason }
    })
  }

  private classify(err: unknown, model: string): { retryable: boolean; retryAfterMs?: number; error: ProviderError } {
    const where = `${model} at ${this.o.baseUrl}`
    if (err instanceof TimeoutMarker || err instanceof OpenAI.APIConnectionTimeoutError) {
      return { retryable: true, error: new ProviderError(`${where}: no complete answer within ${this.o.timeoutMs} ms`, 'TIMEOUT') }
    }
    if (err instanceof OpenAI.APIUserAbortError) return { retryable: false, error: new ProviderError(`${where}: cancelled`, 'ABORTED') }
    if (err instanceof ProviderError) return { retryable: false, error: err }
    if (err instanceof OpenAI.APIConnectionError) {
      return { retryable: true, error: new ProviderError(`${where}: cannot connect (${messageOf(err.cause ?? err)})`, 'NETWORK', { cause: err }) }
    }
    if (err instanceof OpenAI.APIError) {
      const status = err.status ?? 0
      const detail = `${where}: HTTP ${status}: ${err.message}`
      if (status === 429) return { retryable: true, retryAfterMs: retryAfterMs(err.headers), error: new ProviderError(detail, 'RATE_LIMITED', { cause: err }) }
      if (status >= 500) return { retryable: true, retryAfterMs: retryAfterMs(err.headers), error: new ProviderError(detail, 'UNAVAILABLE', { cause: err }) }
      if (status === 401 || status === 403) {
        return { retryable: false, error: new ProviderError(`${where}: the API key was rejected (HTTP ${status}); check OPENAI_API_KEY or llm.api_key`, 'AUTH', { cause: err }) }
      }
      if (status === 404) return { retryable: false, error: new ProviderError(`${where}: model or endpoint not found (HTTP 404): ${err.message}`, 'MODEL_NOT_FOUND', { cause: err }) }
      return { retryable: false, error: new ProviderError(detail, 'BAD_REQUEST', { cause: err }) }
    }
    // A streamed connection that drops mid-answer surfaces as a plain error.
    return { retryable: true, error: new ProviderError(`${where}: ${messageOf(err)}`, 'NETWORK', { cause: err }) }
  }
}

class TimeoutMarker extends Error {}

function toMessage(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content }
    case 'user':
      return m.name ? { role: 'user', content: m.content, name: m.name } : { role: 'user', content: m.content }
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content }
    case 'assistant':
      return m.toolCalls?.length
        ? {
            role: 'assistant',
            content: m.content,
            tool_calls: m.toolCalls.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.arguments } })),
          }
        : { role: 'assistant', content: m.content ?? '' }
  }
}

/** The chat-completions parameters of a request (`model` is the name without the provider). */
export function toParams(req: ModelRequest, model: string, provider: string): ChatCompletionCreateParams {
  const p: ChatCompletionCreateParams = { model, messages: req.messages.map(toMessage) }
  if (req.tools?.length) {
    p.tools = req.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } }))
    p.tool_choice = req.toolChoice ?? 'auto'
  }
  if (req.temperature !== undefined) p.temperature = req.temperature
  if (req.topP !== undefined) p.top_p = req.topP
  // OpenAI's newer models only take max_completion_tokens; local servers know max_tokens.
  if (req.maxTokens !== undefined) {
    if (provider === 'openai') p.max_completion_tokens = req.maxTokens
    else p.max_tokens = req.maxTokens
  }
  if (req.seed !== undefined) p.seed = req.seed
  return p
}

/** Rough token counts (4 characters per token) when a server reports no usage. */
export function estimateUsage(req: ModelRequest, answer: string): ModelUsage {
  const promptChars = req.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0) + JSON.stringify(req.tools ?? []).length
  return { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(answer.length / 4) }
}

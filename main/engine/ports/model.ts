/**
 * The model port. Every LLM call of the engine goes through a {@link ModelProvider}; the
 * OpenAI-compatible client, the offline `local/scripted` model, the test fake and the
 * record/replay wrapper all implement it.
 */

/** A tool call the model asked for. `arguments` is the model's raw JSON text. */
export interface ModelToolCall {
  id: string
  name: string
  arguments: string
}

/** Chat messages in the OpenAI chat shape, with camelCase fields. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; name?: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string }

/** A function the model may call (`{name, description, parameters}`, JSON schema parameters). */
export interface ModelToolSchema {
  name: string
  description: string
  parameters: Record<string, unknown>
}

export interface ModelRequest {
  /** `provider/model` id as in the config, e.g. `openai/gpt-4o`, `ollama/llama3.1`, `local/scripted`. */
  model: string
  messages: ChatMessage[]
  tools?: ModelToolSchema[]
  toolChoice?: 'auto' | 'none' | 'required'
  temperature?: number
  topP?: number
  maxTokens?: number
  /** Rollout sample seed; passed to providers that support it and part of the recording key. */
  seed?: number
}

export interface CompleteOptions {
  signal?: AbortSignal
  /** Called with each streamed text delta, in order. */
  onToken?: (delta: string) => void
  /** The conversation the call is made for: recordings are kept under it (providers ignore it). */
  conversationId?: string
}

export interface ModelUsage {
  promptTokens: number
  completionTokens: number
}

export interface ModelResponse {
  message: { content: string; toolCalls: ModelToolCall[] }
  usage: ModelUsage
  /** USD from the price table; null when the model has no price entry. */
  costUsd: number | null
  /** The `provider/model` id that answered. */
  model: string
  provider: string
  latencyMs: number
  /** True when no real model answered (the built-in scripted model); the text says so too. */
  offline: boolean
  /** Set when the response came from a recording instead of the provider. */
  replayed?: boolean
  finishReason?: string
}

export interface ModelProvider {
  /** Short label for logs and the UI, e.g. `openai @ https://api.openai.com/v1`. */
  readonly label: string
  /** @throws ProviderError on failure (after retries), never a raw SDK error. */
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse>
}

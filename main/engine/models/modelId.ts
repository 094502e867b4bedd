import { UserInputError } from '../errors'

/** How a provider prefix of a `provider/model` id is served. */
export interface ProviderInfo {
  /** OpenAI-compatible endpoint unless `scripted`. */
  kind: 'openai' | 'scripted'
  /** Default base URL (local servers listen on loopback). */
  defaultBaseUrl?: string
  /** Local servers need no real API key. */
  local: boolean
}

/** Known provider prefixes. Ollama, LM Studio and vLLM speak the OpenAI API at these defaults. */
export const PROVIDERS: Readonly<Record<string, ProviderInfo>> = {
  openai: { kind: 'openai', defaultBaseUrl: 'https://api.openai.com/v1', local: false },
  ollama: { kind: 'openai', defaultBaseUrl: 'http://127.0.0.1:11434/v1', local: true },
  lmstudio: { kind: 'openai', defaultBaseUrl: 'http://127.0.0.1:1234/v1', local: true },
  vllm: { kind: 'openai', defaultBaseUrl: 'http://127.0.0.1:8000/v1', local: true },
  local: { kind: 'scripted', local: true },
}

export interface ParsedModelId {
  provider: string
  /** The model name sent to the endpoint (`gpt-4o` for `openai/gpt-4o`). */
  model: string
  info: ProviderInfo
}

/**
 * Splits a `provider/model` id. A bare name (`gpt-4o`) means `openai/…`, as LiteLLM did.
 * The model part may contain further slashes (`vllm/meta-llama/Llama-3.1-8B`).
 * @throws UserInputError for an unknown provider or an empty model name.
 */
export function parseModelId(id: string): ParsedModelId {
  const trimmed = id.trim()
  const slash = trimmed.indexOf('/')
  const provider = slash < 0 ? 'openai' : trimmed.slice(0, slash)
  const model = slash < 0 ? trimmed : trimmed.slice(slash + 1)
  const info = PROVIDERS[provider]
  if (!info) {
    throw new UserInputError(
      `unknown model provider "${provider}" in model id "${id}"; expected one of ${Object.keys(PROVIDERS).map((p) => `${p}/<model>`).join(', ')}`,
      'UNKNOWN_PROVIDER',
    )
  }
  if (model === '') throw new UserInputError(`model id "${id}" has no model name after "${provider}/"`, 'BAD_MODEL_ID')
  if (info.kind === 'scripted' && model !== 'scripted') {
    throw new UserInputError(`unknown local model "${id}"; the built-in offline model is local/scripted`, 'BAD_MODEL_ID')
  }
  return { provider, model, info }
}

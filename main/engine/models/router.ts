import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse } from '../ports/model'
import { parseModelId, PROVIDERS } from './modelId'
import { OpenAiCompatibleProvider, type OpenAiProviderOptions } from './openaiProvider'
import { ScriptedLocalProvider } from './scriptedProvider'

/** The `.env.example` placeholder counts as no key. */
const PLACEHOLDER_KEYS = new Set(['', 'sk-your-api-key-here'])

export interface ModelRouterOptions {
  /** `llm.api_base` after precedence (OPENAI_BASE_URL > config file > default). */
  apiBase: string
  /** `llm.api_key` / OPENAI_API_KEY. */
  apiKey?: string
  /** Base URLs of local servers by provider (defaults: see `PROVIDERS`). */
  localBaseUrls?: Partial<Record<string, string>>
  /** Is an OpenAI-compatible server answering at this base URL? Default: `GET <base>/models` within 1.5 s. */
  probe?: (baseUrl: string) => Promise<boolean>
  /** Passed to every OpenAI-compatible client (timeouts, retries, prices, sleep). */
  client?: Omit<OpenAiProviderOptions, 'baseUrl' | 'apiKey'>
  /** Clock in ms (tests pin it). */
  now?: () => number
}

/** Which provider answers a model id, and why. */
export interface Resolution {
  provider: ModelProvider
  offline: boolean
  /** Human-readable reason, e.g. "no OPENAI_API_KEY and no local server at …". */
  reason: string
}

const isLoopback = (url: string): boolean => {
  try {
    const host = new URL(url).hostname
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1'
  } catch {
    return false
  }
}

/** Default probe: any HTTP answer from `GET <base>/models` within 1.5 s counts as reachable. */
export async function probeOpenAiServer(baseUrl: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(timeoutMs) })
    await res.body?.cancel()
    return true
  } catch {
    return false
  }
}

/**
 * The engine's one model provider: routes each request by its `provider/model` id. OpenAI ids use
 * the configured endpoint and key; `ollama/`, `lmstudio/`, `vllm/` use their local servers. With
 * no key and no reachable local server the built-in offline model `local/scripted` answers, and
 * says so in every response (`offline: true`, labelled text).
 */
export class ModelRouter implements ModelProvider {
  readonly label = 'model router'
  private readonly resolved = new Map<string, { at: number; r: Resolution }>()
  /** An offline fallback is re-checked after this long, so a local server started later is picked up. */
  static readonly RECHECK_OFFLINE_MS = 30_000

  constructor(private readonly o: ModelRouterOptions) {}

  async complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse> {
    const { provider } = await this.resolve(request.model)
    return provider.complete(request, options)
  }

  /** The provider for a model id (resolved once per provider prefix). @throws UserInputError for a bad id. */
  async resolve(modelId: string): Promise<Resolution> {
    const { provider: prefix, info } = parseModelId(modelId)
    const cached = this.resolved.get(prefix)
    const now = (this.o.now ?? Date.now)()
    if (cached && (!cached.r.offline || info.kind === 'scripted' || now - cached.at < ModelRouter.RECHECK_OFFLINE_MS)) return cached.r
    const r = await this.pick(prefix, info.kind)
    this.resolved.set(prefix, { at: now, r })
    return r
  }

  private async pick(prefix: string, kind: 'openai' | 'scripted'): Promise<Resolution> {
    if (kind === 'scripted') return { provider: new ScriptedLocalProvider('selected'), offline: true, reason: 'local/scripted was selected' }
    const probe = this.o.probe ?? ((u: string) => probeOpenAiServer(u))
    const client = (baseUrl: string, apiKey?: string): ModelProvider =>
      new OpenAiCompatibleProvider({ ...this.o.client, baseUrl, ...(apiKey ? { apiKey } : {}) })
    if (prefix === 'openai') {
      const key = this.o.apiKey?.trim() ?? ''
      if (!PLACEHOLDER_KEYS.has(key)) return { provider: client(this.o.apiBase, key), offline: false, reason: `OpenAI-compatible endpoint ${this.o.apiBase}` }
      if (isLoopback(this.o.apiBase) && (await probe(this.o.apiBase))) {
        return { provider: client(this.o.apiBase), offline: false, reason: `local OpenAI-compatible server at ${this.o.apiBase} (no key needed)` }
      }
      const reason = `no OPENAI_API_KEY and no local server at ${this.o.apiBase}`
      return { provider: new ScriptedLocalProvider(reason), offline: true, reason }
    }
    const base = this.o.localBaseUrls?.[prefix] ?? PROVIDERS[prefix]!.defaultBaseUrl!
    if (await probe(base)) return { provider: client(base), offline: false, reason: `${prefix} server at ${base}` }
    const reason = `no ${prefix} server reachable at ${base}`
    return { provider: new ScriptedLocalProvider(reason), offline: true, reason }
  }
}

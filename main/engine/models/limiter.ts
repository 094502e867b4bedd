import { ProviderError } from '../errors'
import type { ConcurrencyPort } from '../ports/concurrency'
import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse } from '../ports/model'
import { InProcessSlots } from './inProcessSlots'
import { parseModelId } from './modelId'

/** Concurrent model calls allowed per provider prefix (`openai`, `ollama`, …); `*` is the default. */
export type ConcurrencyLimits = Readonly<Record<string, number>>

/**
 * Parses `openai=8,ollama=2` (or a bare number for every provider).
 * @throws ProviderError naming the bad entry.
 */
export function parseConcurrencyLimits(text: string): ConcurrencyLimits {
  const out: Record<string, number> = {}
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(?:([a-z0-9_-]+)=)?(\d+)$/i.exec(part)
    if (!m || Number(m[2]) < 1) throw new ProviderError(`model concurrency "${part}" is not valid; expected a number ≥ 1 or provider=number, e.g. openai=8,ollama=2`, 'BAD_SETTING')
    out[m[1]?.toLowerCase() ?? '*'] = Number(m[2])
  }
  return out
}

/**
 * Bounds concurrent calls per provider and adapts on rate limits (AIMD): a `RATE_LIMITED` answer
 * halves the provider's limit, and every `limit` successes raise it by one up to the configured
 * maximum. Calls beyond the limit wait in order; nothing is dropped. The slots come from a
 * {@link ConcurrencyPort}: this process's own by default, or shared by every process on one Redis
 * when the composition root passes that adapter.
 */
export class LimitedProvider implements ModelProvider {
  readonly label: string

  constructor(
    private readonly inner: ModelProvider,
    private readonly limits: ConcurrencyLimits,
    private readonly slots: ConcurrencyPort = new InProcessSlots(),
  ) {
    this.label = inner.label
  }

  private maxOf(provider: string): number {
    return this.limits[provider] ?? this.limits['*'] ?? 16
  }

  /** Current limit and activity of a provider (for status displays and tests). */
  lane(provider: string): { limit: number; active: number; waiting: number } {
    return this.slots.lane(provider, this.maxOf(provider))
  }

  async complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse> {
    let provider: string
    try {
      provider = parseModelId(request.model).provider
    } catch {
      return this.inner.complete(request, options)
    }
    const max = this.maxOf(provider)
    const release = await this.slots.acquire(provider, max)
    try {
      const response = await this.inner.complete(request, options)
      this.slots.succeeded(provider, max)
      return response
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'RATE_LIMITED') this.slots.rateLimited(provider, max)
      throw err
    } finally {
      release()
    }
  }
}

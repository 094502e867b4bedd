import { ProviderError } from '../errors'
import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse } from '../ports/model'
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

interface Lane {
  limit: number
  max: number
  active: number
  successes: number
  queue: (() => void)[]
}

/**
 * Bounds concurrent calls per provider and adapts on rate limits (AIMD): a `RATE_LIMITED` answer
 * halves the provider's limit, and every `limit` successes raise it by one up to the configured
 * maximum. Calls beyond the limit wait in order; nothing is dropped.
 */
export class LimitedProvider implements ModelProvider {
  readonly label: string
  private readonly lanes = new Map<string, Lane>()

  constructor(private readonly inner: ModelProvider, private readonly limits: ConcurrencyLimits) {
    this.label = inner.label
  }

  /** Current limit and activity of a provider (for status displays and tests). */
  lane(provider: string): { limit: number; active: number; waiting: number } {
    const l = this.laneOf(provider)
    return { limit: l.limit, active: l.active, waiting: l.queue.length }
  }

  private laneOf(provider: string): Lane {
    let l = this.lanes.get(provider)
    if (!l) {
      const max = this.limits[provider] ?? this.limits['*'] ?? 16
      l = { limit: max, max, active: 0, successes: 0, queue: [] }
      this.lanes.set(provider, l)
    }
    return l
  }

  async complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse> {
    let provider: string
    try {
      provider = parseModelId(request.model).provider
    } catch {
      return this.inner.complete(request, options)
    }
    const lane = this.laneOf(provider)
    // A woken call inherits the finishing call's slot, so `active` never exceeds the limit.
    if (lane.active >= lane.limit) await new Promise<void>((resolve) => lane.queue.push(resolve))
    else lane.active++
    try {
      const response = await this.inner.complete(request, options)
      if (++lane.successes >= lane.limit && lane.limit < lane.max) {
        lane.limit++
        lane.successes = 0
      }
      return response
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'RATE_LIMITED') {
        lane.limit = Math.max(1, Math.floor(lane.limit / 2))
        lane.successes = 0
      }
      throw err
    } finally {
      const next = lane.active <= lane.limit ? lane.queue.shift() : undefined
      if (next) next()
      else lane.active--
    }
  }
}

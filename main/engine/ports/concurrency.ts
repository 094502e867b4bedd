/**
 * Model-call slots per provider (`openai`, `ollama`, …), adaptive on rate limits (AIMD). The
 * engine's {@link LimitedProvider} asks this port for a slot before each call and reports how the
 * call went; the adapter decides how far the limit reaches: this process (the default,
 * `InProcessSlots`) or every process on one Redis (`RedisSlots`, picked by the composition root).
 */
export interface ConcurrencyPort {
  /**
   * Waits for a slot of `provider`; at most `max` calls hold one at once (fewer after rate
   * limits). Waiters are served in order within a process; nothing is dropped. Returns the
   * slot's release, to call exactly once when the call is over, after `succeeded`/`rateLimited`.
   */
  acquire(provider: string, max: number): Promise<() => void>
  /** The call succeeded: every `limit` successes raise the limit by one, up to `max`. */
  succeeded(provider: string, max: number): void
  /** The provider answered RATE_LIMITED: the limit halves (at least 1). */
  rateLimited(provider: string, max: number): void
  /** The limit, slots in use and waiters as this process last saw them (status displays, tests). */
  lane(provider: string, max: number): SlotLane
  /** Releases connections and timers (the in-process adapter has none). */
  close?(): Promise<void>
}

export interface SlotLane {
  limit: number
  active: number
  waiting: number
}

import type { ConcurrencyPort, SlotLane } from '../ports/concurrency'

interface Lane {
  limit: number
  max: number
  active: number
  successes: number
  queue: (() => void)[]
}

/**
 * The default {@link ConcurrencyPort}: slots counted in this process. A `RATE_LIMITED` answer
 * halves the provider's limit, and every `limit` successes raise it by one up to `max`.
 */
export class InProcessSlots implements ConcurrencyPort {
  private readonly lanes = new Map<string, Lane>()

  private laneOf(provider: string, max: number): Lane {
    let l = this.lanes.get(provider)
    if (!l) {
      l = { limit: max, max, active: 0, successes: 0, queue: [] }
      this.lanes.set(provider, l)
    }
    return l
  }

  lane(provider: string, max: number): SlotLane {
    const l = this.laneOf(provider, max)
    return { limit: l.limit, active: l.active, waiting: l.queue.length }
  }

  async acquire(provider: string, max: number): Promise<() => void> {
    const lane = this.laneOf(provider, max)
    // A woken call inherits the finishing call's slot, so `active` never exceeds the limit.
    if (lane.active >= lane.limit) await new Promise<void>((resolve) => lane.queue.push(resolve))
    else lane.active++
    let released = false
    return () => {
      if (released) return
      released = true
      const next = lane.active <= lane.limit ? lane.queue.shift() : undefined
      if (next) next()
      else lane.active--
    }
  }

  succeeded(provider: string, max: number): void {
    const lane = this.laneOf(provider, max)
    if (++lane.successes >= lane.limit && lane.limit < lane.max) {
      lane.limit++
      lane.successes = 0
    }
  }

  rateLimited(provider: string, max: number): void {
    const lane = this.laneOf(provider, max)
    lane.limit = Math.max(1, Math.floor(lane.limit / 2))
    lane.successes = 0
  }
}

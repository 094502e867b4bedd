/** Time source and the one timer the runtime uses for deadlines. Tests pass a manual clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Calls `fn` after `ms`; returns a handle for {@link Clock.clear}. */
  setTimer(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms))
    t.unref?.()
    return t
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
}

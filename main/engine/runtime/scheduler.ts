import type { Clock } from '../ports/clock'

/**
 * Event-driven work queue. `schedule(key)` asks for one step of `key` (an agent's branch);
 * requests coalesce while the key is queued, and a request that arrives while the key is running
 * makes it run once more afterwards: nothing polls and nothing is dropped. Different keys run
 * concurrently up to `concurrency`. Deadlines fire from one timer set to the earliest one.
 */
export class Scheduler {
  private readonly queued = new Set<string>()
  private readonly running = new Set<string>()
  private readonly again = new Set<string>()
  private readonly order: string[] = []
  private readonly deadlines = new Map<string, number>()
  private timer: unknown = null
  private timerAt = Number.POSITIVE_INFINITY
  /** Outstanding work not owned by a step (e.g. tool calls in flight), per key. */
  private readonly holds = new Map<string, number>()
  /** Queued + running + held work per group (a key's prefixes, see `groupsOf`), for idleness; absent when idle. */
  private readonly busy = new Map<string, BusyGroup>()

  constructor(
    private readonly step: (key: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly concurrency = 64,
    private readonly onError: (key: string, err: unknown) => void = () => {},
    /** Separates the parts of a key (conversation, agent, branch); idleness can be asked per prefix. */
    private readonly separator = '\u0000',
  ) {}

  /** Requests a step of `key` as soon as possible. */
  schedule(key: string): void {
    if (this.running.has(key)) {
      this.again.add(key)
      return
    }
    if (this.queued.has(key)) return
    this.queued.add(key)
    this.order.push(key)
    this.count(key, 1)
    this.pump()
  }

  /** Requests a step of `key` at `atMs` (earliest deadline wins); replaces a later one. */
  scheduleAt(key: string, atMs: number): void {
    const prev = this.deadlines.get(key)
    if (prev !== undefined && prev <= atMs) return
    this.deadlines.set(key, atMs)
    this.armTimer()
  }

  cancelDeadline(key: string): void {
    this.deadlines.delete(key)
  }

  /** Marks work for `key` that runs outside a step (tool calls); idleness waits for it. */
  hold(key: string): () => void {
    this.holds.set(key, (this.holds.get(key) ?? 0) + 1)
    this.count(key, 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const n = (this.holds.get(key) ?? 1) - 1
      if (n <= 0) this.holds.delete(key)
      else this.holds.set(key, n)
      this.count(key, -1)
    }
  }

  /** True when nothing in `group` (a key prefix ending at a separator, or '' for all) is queued, running or held. */
  isIdle(group = ''): boolean {
    return !this.busy.has(group)
  }

  /** Resolves once nothing in `group` is queued, running or held (pending deadlines don't count). */
  whenIdle(group = ''): Promise<void> {
    const busy = this.busy.get(group)
    if (busy === undefined) return Promise.resolve()
    return new Promise((resolve) => (busy.waiters ??= []).push(resolve))
  }

  /** Keys with a pending deadline. */
  pendingDeadlines(): { key: string; at: number }[] {
    return [...this.deadlines].map(([key, at]) => ({ key, at }))
  }

  /** '' (everything), then every prefix of the key that ends before a separator. */
  private groupsOf(key: string): string[] {
    const out = ['']
    for (let i = key.indexOf(this.separator); i !== -1; i = key.indexOf(this.separator, i + 1)) out.push(key.slice(0, i))
    out.push(key)
    return out
  }

  /**
   * The groups of each key while the key has work (dropped when it has none: bounded by the busy
   * keys), so counting a key's work touches its groups' counters without looking them up.
   */
  private readonly groupCache = new Map<string, BusyGroup[]>()

  private count(key: string, delta: 1 | -1): void {
    let groups = this.groupCache.get(key)
    if (groups === undefined) {
      groups = this.groupsOf(key).map((name) => {
        let g = this.busy.get(name)
        if (g === undefined) this.busy.set(name, (g = { name, n: 0, waiters: null }))
        return g
      })
      this.groupCache.set(key, groups)
    }
    for (const g of groups) {
      g.n += delta
      if (g.n > 0) continue
      this.busy.delete(g.name)
      const waiters = g.waiters
      g.waiters = null
      if (waiters) for (const resolve of waiters) resolve()
    }
    // The key's own group is the last: once it is idle, so is the key.
    if (groups[groups.length - 1]!.n <= 0) this.groupCache.delete(key)
  }

  close(): void {
    if (this.timer !== null) this.clock.clear(this.timer)
    this.timer = null
    this.deadlines.clear()
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.order.length > 0) {
      const key = this.order.shift()!
      this.queued.delete(key)
      this.running.add(key) // still counted as busy: queued → running keeps its count
      void this.run(key)
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.step(key)
    } catch (err) {
      this.onError(key, err)
    } finally {
      this.running.delete(key)
      if (this.again.delete(key)) this.schedule(key)
      this.count(key, -1)
      this.pump()
    }
  }

  private armTimer(): void {
    let earliest = Number.POSITIVE_INFINITY
    for (const at of this.deadlines.values()) earliest = Math.min(earliest, at)
    if (earliest === this.timerAt) return
    if (this.timer !== null) this.clock.clear(this.timer)
    this.timer = null
    this.timerAt = earliest
    if (earliest === Number.POSITIVE_INFINITY) return
    this.timer = this.clock.setTimer(() => this.fire(), earliest - this.clock.now())
  }

  private fire(): void {
    this.timer = null
    this.timerAt = Number.POSITIVE_INFINITY
    const now = this.clock.now()
    for (const [key, at] of [...this.deadlines]) {
      if (at <= now) {
        this.deadlines.delete(key)
        this.schedule(key)
      }
    }
    this.armTimer()
  }
}

/** The work counted in one group (see `Scheduler.busy`), and who waits for it to end. */
interface BusyGroup {
  readonly name: string
  n: number
  waiters: (() => void)[] | null
}

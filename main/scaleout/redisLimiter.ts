import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { ProviderError } from '../engine/errors'
import type { ConcurrencyPort, SlotLane } from '../engine/ports/concurrency'

/**
 * Model-call slots shared by every process on one Redis (issue 14): 5 workers with
 * `openai=8` make at most 8 OpenAI calls at once in total, not 40.
 *
 * Per provider, `<prefix>:limits:<provider>:slots` is a sorted set of leases (member = lease id,
 * score = expiry in Redis server time) and `<prefix>:limits:<provider>:state` a hash with the
 * shared adaptive `limit` and its `successes`. A Lua script drops expired leases and takes a slot
 * only while fewer than `min(limit, max)` are held, atomically. A holder renews its leases every
 * third of `leaseMs`; a process killed with `kill -9` stops renewing, so its slots come back after
 * at most `leaseMs`. A release is published on `<prefix>:limits:released`, which wakes the
 * waiters of every process; they also retry every `pollMs` (a lease that expired publishes nothing).
 */
export interface RedisSlotsOptions {
  url: string
  /** Key prefix (default `p2engine`). */
  prefix?: string
  /** Lease lifetime (ms, default 15 000). */
  leaseMs?: number
  /** Retry period of a waiter that heard no release (ms, default 250). */
  pollMs?: number
  /** The shared adaptive limit is forgotten after this long without a call (ms, default 10 min). */
  stateTtlMs?: number
}

const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)"
const LIMIT = "local max = tonumber(ARGV[1]) local limit = tonumber(redis.call('HGET', KEYS[2], 'limit') or ARGV[1]) if limit > max then limit = max end"

/** KEYS slots, state; ARGV max, lease id, lease ms → {taken 0/1, limit, active}. */
const ACQUIRE = `${NOW} ${LIMIT}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local active = redis.call('ZCARD', KEYS[1])
if active < limit then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return {1, limit, active + 1}
end
return {0, limit, active}`

/** KEYS slots; ARGV lease ms, lease ids… → leases still held. */
const RENEW = `${NOW}
local n = 0
for i = 2, #ARGV do n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return n`

/** KEYS slots, state; ARGV max, state ttl ms, outcome ('ok' | 'rate_limited') → new limit. */
const OUTCOME = `${LIMIT}
local s = 0
if ARGV[3] == 'rate_limited' then
  limit = math.max(1, math.floor(limit / 2))
else
  s = redis.call('HINCRBY', KEYS[2], 'successes', 1)
  if s >= limit then
    s = 0
    if limit < max then limit = limit + 1 end
  end
end
redis.call('HSET', KEYS[2], 'limit', limit, 'successes', s)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return limit`

interface Waiters {
  max: number
  queue: { resolve: (release: () => void) => void; reject: (err: unknown) => void }[]
  pumping: boolean
  wake?: () => void
  seen: SlotLane
}

type Scripts = Redis & {
  slotAcquire(slots: string, state: string, max: number, lease: string, leaseMs: number): Promise<[number, number, number]>
  slotRenew(slots: string, leaseMs: number, ...leases: string[]): Promise<number>
  slotOutcome(slots: string, state: string, max: number, ttl: number, outcome: string): Promise<number>
}

/** The {@link ConcurrencyPort} on Redis, shared by every process with the same URL and prefix. */
export class RedisSlots implements ConcurrencyPort {
  private readonly prefix: string
  private readonly leaseMs: number
  private readonly redis: Scripts
  private readonly sub: Redis
  private readonly waiters = new Map<string, Waiters>()
  /** Leases this process holds: lease id → provider. */
  private readonly held = new Map<string, string>()
  private readonly renewTimer: NodeJS.Timeout
  private readonly process = randomBytes(6).toString('hex')
  private seq = 0
  private closed = false

  constructor(private readonly o: RedisSlotsOptions) {
    this.prefix = o.prefix ?? 'p2engine'
    this.leaseMs = o.leaseMs ?? 15_000
    this.redis = new Redis(o.url, { maxRetriesPerRequest: null }) as Scripts
    this.redis.defineCommand('slotAcquire', { numberOfKeys: 2, lua: ACQUIRE })
    this.redis.defineCommand('slotRenew', { numberOfKeys: 1, lua: RENEW })
    this.redis.defineCommand('slotOutcome', { numberOfKeys: 2, lua: OUTCOME })
    this.redis.on('error', () => undefined) // reconnects by itself; waiters retry
    this.sub = new Redis(o.url, { maxRetriesPerRequest: null })
    this.sub.on('error', () => undefined)
    this.sub.on('message', (_channel: string, provider: string) => this.waiters.get(provider)?.wake?.())
    void this.sub.subscribe(this.channel).catch(() => undefined)
    this.renewTimer = setInterval(() => this.renew(), Math.max(20, Math.floor(this.leaseMs / 3)))
    this.renewTimer.unref()
  }

  private get channel(): string {
    return `${this.prefix}:limits:released`
  }

  private keys(provider: string): [string, string] {
    return [`${this.prefix}:limits:${provider}:slots`, `${this.prefix}:limits:${provider}:state`]
  }

  private waitersOf(provider: string, max: number): Waiters {
    let w = this.waiters.get(provider)
    if (!w) {
      w = { max, queue: [], pumping: false, seen: { limit: max, active: 0, waiting: 0 } }
      this.waiters.set(provider, w)
    }
    w.max = max
    return w
  }

  lane(provider: string, max: number): SlotLane {
    const w = this.waitersOf(provider, max)
    return { ...w.seen, waiting: w.queue.length }
  }

  /** The shared state read from Redis now: limit and slots held by all processes. */
  async shared(provider: string, max: number): Promise<{ limit: number; active: number }> {
    const [slots, state] = this.keys(provider)
    const [held, limit] = await Promise.all([this.redis.zcount(slots, '(' + String(await this.serverNow()), '+inf'), this.redis.hget(state, 'limit')])
    return { limit: Math.min(max, limit === null ? max : Number(limit)), active: held }
  }

  private async serverNow(): Promise<number> {
    const [s, us] = await this.redis.time()
    return Number(s) * 1000 + Math.floor(Number(us) / 1000)
  }

  acquire(provider: string, max: number): Promise<() => void> {
    const w = this.waitersOf(provider, max)
    if (this.closed) return Promise.reject(new ProviderError('the shared model limits are closed', 'LIMITS_CLOSED'))
    return new Promise((resolve, reject) => {
      w.queue.push({ resolve, reject })
      void this.pump(provider, w)
    })
  }

  /** Takes slots for this process's waiters, in order, until none is free; then waits for a release or the poll. */
  private async pump(provider: string, w: Waiters): Promise<void> {
    if (w.pumping) return
    w.pumping = true
    const [slots, state] = this.keys(provider)
    try {
      while (w.queue.length > 0 && !this.closed) {
        const lease = `${this.process}.${(this.seq++).toString(36)}`
        let taken = 0
        try {
          const [ok, limit, active] = await this.redis.slotAcquire(slots, state, w.max, lease, this.leaseMs)
          taken = ok
          w.seen = { limit, active, waiting: w.queue.length }
        } catch {
          // Redis unreachable: ioredis reconnects; try again after the poll.
        }
        if (taken) {
          this.held.set(lease, provider)
          const waiter = w.queue.shift()
          if (waiter) waiter.resolve(this.releaser(provider, lease))
          else this.releaser(provider, lease)() // closed meanwhile: give the slot back
          continue
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs ?? 250)
          w.wake = () => { clearTimeout(timer); resolve() }
        })
        w.wake = undefined
      }
    } finally {
      w.pumping = false
    }
  }

  private releaser(provider: string, lease: string): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      this.held.delete(lease)
      const w = this.waiters.get(provider)
      if (w) w.seen = { ...w.seen, active: Math.max(0, w.seen.active - 1) }
      const [slots] = this.keys(provider)
      this.redis.multi().zrem(slots, lease).publish(this.channel, provider).exec().catch(() => undefined)
    }
  }

  private renew(): void {
    const byProvider = new Map<string, string[]>()
    for (const [lease, provider] of this.held) byProvider.set(provider, [...(byProvider.get(provider) ?? []), lease])
    for (const [provider, leases] of byProvider) this.redis.slotRenew(this.keys(provider)[0], this.leaseMs, ...leases).catch(() => undefined)
  }

  private outcome(provider: string, max: number, what: 'ok' | 'rate_limited'): void {
    const [slots, state] = this.keys(provider)
    const w = this.waitersOf(provider, max)
    this.redis.slotOutcome(slots, state, max, this.o.stateTtlMs ?? 600_000, what).then((limit) => { w.seen = { ...w.seen, limit } }, () => undefined)
  }

  succeeded(provider: string, max: number): void {
    // At the full limit a success changes nothing (the state key, once expired, reads as the full
    // limit too): no round trip. Below it, successes count toward the additive increase.
    if ((this.waiters.get(provider)?.seen.limit ?? 0) >= max) return
    this.outcome(provider, max, 'ok')
  }

  rateLimited(provider: string, max: number): void {
    this.outcome(provider, max, 'rate_limited')
  }

  /** Stops renewing (held leases expire on their own) and closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.renewTimer)
    for (const w of this.waiters.values()) {
      for (const waiter of w.queue.splice(0)) waiter.reject(new ProviderError('the shared model limits were closed while this call waited for a slot', 'LIMITS_CLOSED'))
      w.wake?.()
    }
    this.sub.disconnect()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

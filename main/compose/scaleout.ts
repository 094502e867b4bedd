import type { ConcurrencyPort } from '../engine/ports/concurrency'
import type { EventBusPort } from '../engine/ports/eventBus'
import type { JobQueuePort } from '../engine/ports/jobQueue'
import { ConfigError } from '../engine/errors'
import type { RedisTarget } from '../scaleout/redisConfig'

/**
 * Scale-out adapters (issue 14), picked here from the resolved Redis target so the engine never
 * asks whether Redis is on. Without a target: the in-process event bus and no job queue. The
 * Redis adapters (and ioredis/bullmq) load only when a target exists.
 */
export async function composeEventBus(redis: RedisTarget | undefined, prefix?: string): Promise<EventBusPort> {
  if (!redis) return new (await import('../scaleout/inProcessEventBus')).InProcessEventBus()
  return new (await import('../scaleout/redisEventBus')).RedisEventBus(redis.url, prefix)
}

/** The variant job queue; Redis and the shared job secret are required (a one-line ConfigError otherwise). */
export async function composeJobQueue(redis: RedisTarget | undefined, secret: string | undefined, appVersion: string, prefix?: string, tuning: { lockDuration?: number; stalledInterval?: number } = {}): Promise<JobQueuePort> {
  if (!redis) throw new ConfigError('scale-out needs Redis: pass --redis URL, or set REDIS_URL or redis.url in config.json')
  if (!secret) throw new ConfigError('scale-out needs a shared job secret: set P2ENGINE_JOB_SECRET or redis.secret in config.json (16+ characters), the same on the coordinator and every worker')
  const { BullmqJobQueue } = await import('../scaleout/bullmqJobQueue')
  return new BullmqJobQueue({ url: redis.url, secret, appVersion, ...(prefix ? { prefix } : {}), ...tuning })
}

/** A worker's ledger in a distributed run with the embedded ledger: every call goes to the coordinator. */
export async function composeRemoteLedger(o: import('../scaleout/remoteLedger').RemoteLedgerOptions): Promise<import('../engine/ports/ledger').LedgerClient> {
  return (await import('../scaleout/remoteLedger')).remoteLedgerClient(o)
}

/** The coordinator's side of it: serves `ledger` to the workers until closed. */
export async function composeLedgerService(ledger: import('../engine/ports/ledger').LedgerClient, o: import('../scaleout/remoteLedger').RemoteLedgerOptions): Promise<{ close(): Promise<void> }> {
  return (await import('../scaleout/remoteLedger')).serveLedger(ledger, o)
}

/**
 * Per-provider model-call slots for `composeEngine({ modelSlots })`: with Redis, one limit (and one
 * adaptive AIMD state) shared by every process on it, leases expiring if a holder dies; without
 * Redis, this process's own. No secret: a slot carries no job, only a count.
 */
export async function composeModelLimits(redis: RedisTarget | undefined, o: { prefix?: string; leaseMs?: number; pollMs?: number } = {}): Promise<ConcurrencyPort> {
  if (!redis) return new (await import('../engine/models/inProcessSlots')).InProcessSlots()
  const { RedisSlots } = await import('../scaleout/redisLimiter')
  return new RedisSlots({ url: redis.url, ...o })
}

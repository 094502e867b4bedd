import { testRedis } from '../../app/settings/connectionTests'
import { ConfigError, UserInputError } from '../../engine/errors'
import type { JobQueuePort } from '../../engine/ports/jobQueue'
import { composeJobQueue } from '../../compose/scaleout'
import { redisInputsOf, resolveJobSecret, resolveRedis, type RedisTarget } from '../../scaleout/redisConfig'
import type { CliContext } from '../context'
import { APP_VERSION } from '../version'

/** Where the scale-out queue is and how it is tuned, from `--redis`, the environment and config.json. */
export interface ScaleoutTarget {
  redis: RedisTarget
  secret: string | undefined
  /** env P2ENGINE_JOB_LOCK_MS: how long a job of a dead worker stays locked before another worker takes it. */
  lockMs?: number
}

/** The Redis target when scale-out is configured (flag, env or config.json), else undefined. */
export function scaleoutTarget(ctx: CliContext, flag: string | undefined): ScaleoutTarget | undefined {
  // --redis, then REDIS_* in the environment, then in .env, then config.json (one resolver for every command).
  const inputs = redisInputsOf(ctx.config, ctx.env, flag)
  const redis = resolveRedis(inputs)
  if (!redis) return undefined
  const raw = ctx.env.P2ENGINE_JOB_LOCK_MS
  let lockMs: number | undefined
  if (raw !== undefined && raw !== '') {
    lockMs = Number(raw)
    if (!Number.isInteger(lockMs) || lockMs < 500) throw new UserInputError(`env P2ENGINE_JOB_LOCK_MS: got "${raw}", expected a whole number of milliseconds, at least 500`, 'BAD_ENV')
  }
  return { redis, secret: resolveJobSecret(inputs), ...(lockMs ? { lockMs } : {}) }
}

/**
 * The job queue on `t`: a one-line ConfigError without a shared secret, or when Redis does not
 * answer at start (later outages are ridden out: the clients reconnect).
 */
export async function openJobQueue(t: ScaleoutTarget): Promise<JobQueuePort> {
  const probe = await testRedis(t.redis.url, 3000)
  if (!probe.ok) throw new ConfigError(`${probe.message} (${t.redis.safeUrl}, from ${t.redis.source})`, 'REDIS_UNREACHABLE')
  return composeJobQueue(t.redis, t.secret, APP_VERSION, undefined, t.lockMs ? { lockDuration: t.lockMs, stalledInterval: Math.max(250, Math.floor(t.lockMs / 2)) } : {})
}

/**
 * Where `rollout start` / `resume` runs the variants: on workers when Redis is configured (flag,
 * env, `.env` or config.json) unless `--local`. Redis without a job secret is one line that names
 * both ways out (a Redis set up only for live events still runs rollouts here with `--local`).
 */
export function rolloutTarget(ctx: CliContext, o: { redis?: string; local?: boolean }): ScaleoutTarget | undefined {
  if (o.local) {
    if (o.redis) throw new UserInputError('--local and --redis contradict each other: --local runs the variants in this process, --redis on workers', 'BAD_FLAGS')
    return undefined
  }
  const t = scaleoutTarget(ctx, o.redis)
  if (t && !t.secret) {
    throw new ConfigError(`Redis is configured (${t.redis.safeUrl}, from ${t.redis.source}), so the variants would run on \`p2engine worker\` processes, which needs a shared job secret: set P2ENGINE_JOB_SECRET or redis.secret in config.json (16+ characters, the same on every worker), or pass --local to run them in this process`, 'NO_JOB_SECRET')
  }
  return t
}

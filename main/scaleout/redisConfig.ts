import { existsSync, readFileSync } from 'node:fs'
import { readDotenv } from '../engine/config/dotenv'
import type { LoadedConfig } from '../engine/config/types'
import { ConfigError } from '../engine/errors'
import { RedisSectionSchema } from '../engine/schema/appConfig'

/**
 * The one Redis resolver (issue 14), used by `p2engine doctor`, Settings' connection test and
 * the scale-out adapters. Redis is optional: with nothing set it returns no target and nothing
 * changes. Precedence (first hit wins):
 *   1. `--redis URL` (or the URL typed in Settings)
 *   2. env REDIS_URL
 *   3. env REDIS_HOST / REDIS_PORT / REDIS_DB / REDIS_PASSWORD (any of them; the rest from config.json)
 * (2 and 3 also read the `.env` file of the config folder; per key, the process environment wins.)
 *   4. config.json `redis.url`
 *   5. config.json `redis.enabled: true` with the original's `redis.host/port/db` (+ `password`, `tls`)
 * The original's shipped config.json always has host/port/db, so those alone never switch Redis on.
 */

export type RedisSource = 'flag' | 'env REDIS_URL' | 'env REDIS_HOST/PORT/DB' | '.env REDIS_URL' | '.env REDIS_HOST/PORT/DB' | 'config redis.url' | 'config redis.host/port/db'

/** The environment names the resolver reads (besides P2ENGINE_JOB_SECRET). */
export const REDIS_ENV_KEYS = ['REDIS_URL', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_DB', 'REDIS_PASSWORD'] as const

export interface RedisTarget {
  /** Full URL, password included: never print it, use `safeUrl`. */
  url: string
  /** The URL with its password masked. */
  safeUrl: string
  source: RedisSource
  tls: boolean
  host: string
  port: number
  db: number
}

export interface RedisInputs {
  flag?: string
  /** How errors name the flag value (default `--redis`; Settings says `Redis URL`). */
  flagLabel?: string
  env?: NodeJS.ProcessEnv
  /** Values of the `.env` file (see {@link redisInputsOf}); the process env wins per key. */
  dotenv?: Record<string, string>
  /** The raw `redis` section of config.json (validated here). */
  file?: unknown
}

type Section = ReturnType<typeof RedisSectionSchema.parse>

/** `redis://user:***@host:6379/0`: the password (if any) replaced by `***`. Non-URLs are returned masked whole if they look secret. */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString().replace(/\/$/, '')
  } catch {
    return url.includes('@') ? '(a URL with credentials)' : url
  }
}

/** Parses and checks one Redis URL; `where` names the key or flag for the error. */
export function parseRedisUrl(raw: string, where: string, source: RedisSource): RedisTarget {
  const value = raw.trim()
  let u: URL
  try {
    u = new URL(value)
  } catch {
    throw new ConfigError(`${where}: got ${JSON.stringify(maskRedisUrl(value))}, expected a Redis URL like redis://127.0.0.1:6379/0 or rediss://:PASSWORD@host:6380`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ConfigError(`${where}: got ${JSON.stringify(maskRedisUrl(value))}, expected a redis:// or rediss:// URL`)
  const dbText = u.pathname.replace(/^\/+/, '')
  if (dbText && !/^\d+$/.test(dbText)) throw new ConfigError(`${where}: got database ${JSON.stringify(dbText)} in ${JSON.stringify(maskRedisUrl(value))}, expected a number like /0`)
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  return { url: value, safeUrl: maskRedisUrl(value), source, tls: u.protocol === 'rediss:', host, port: Number(u.port || 6379), db: Number(dbText || 0) }
}

function buildUrl(host: string, port: number, db: number, password: string | undefined, tls: boolean): string {
  const auth = password ? `:${encodeURIComponent(password)}@` : ''
  const h = host.includes(':') ? `[${host}]` : host
  return `${tls ? 'rediss' : 'redis'}://${auth}${h}:${port}/${db}`
}

/** One variable, trimmed and non-empty, with where it came from: the process env wins over `.env`. */
interface Var { value: string; where: 'env' | '.env' }
type Vars = (key: string) => Var | undefined
const varsOf = (env: NodeJS.ProcessEnv, dotenv: Record<string, string> = {}): Vars => (k) => {
  if (env[k]?.trim()) return { value: env[k]!.trim(), where: 'env' }
  if (dotenv[k]?.trim()) return { value: dotenv[k]!.trim(), where: '.env' }
  return undefined
}

function intFrom(vars: Vars, key: string, fallback: number, min: number, max: number): number {
  const v = vars(key)
  if (v === undefined) return fallback
  const n = /^\d+$/.test(v.value) ? Number(v.value) : NaN
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${v.where} ${key}: got ${JSON.stringify(v.value)}, expected a whole number from ${min} to ${max}`)
  return n
}

function section(file: unknown): Section {
  const parsed = RedisSectionSchema.safeParse(file ?? {})
  if (!parsed.success) {
    const i = parsed.error.issues[0]!
    throw new ConfigError(`config.json redis.${i.path.join('.')}: ${i.message}`)
  }
  return parsed.data
}

/** The Redis target, or undefined when Redis is not configured. Bad values throw a one-line ConfigError. */
export function resolveRedis({ flag, flagLabel = '--redis', env = {}, dotenv, file }: RedisInputs): RedisTarget | undefined {
  if (flag?.trim()) return parseRedisUrl(flag, flagLabel, 'flag')
  const vars = varsOf(env, dotenv)
  const url = vars('REDIS_URL')
  if (url) return parseRedisUrl(url.value, `${url.where} REDIS_URL`, `${url.where} REDIS_URL`)
  const s = section(file)
  const parts = ['REDIS_HOST', 'REDIS_PORT', 'REDIS_DB', 'REDIS_PASSWORD'].map(vars).filter((v): v is Var => v !== undefined)
  if (parts.length) {
    const where = parts.every((v) => v.where === '.env') ? '.env' : 'env'
    const built = buildUrl(vars('REDIS_HOST')?.value ?? s.host, intFrom(vars, 'REDIS_PORT', s.port, 1, 65535), intFrom(vars, 'REDIS_DB', s.db, 0, 65535), vars('REDIS_PASSWORD')?.value ?? s.password, s.tls ?? false)
    return parseRedisUrl(built, `${where} REDIS_HOST/REDIS_PORT/REDIS_DB`, `${where} REDIS_HOST/PORT/DB`)
  }
  if (s.url) return parseRedisUrl(s.url, 'config.json redis.url', 'config redis.url')
  if (s.enabled) return parseRedisUrl(buildUrl(s.host, s.port, s.db, s.password, s.tls ?? false), 'config.json redis.host/port/db', 'config redis.host/port/db')
  return undefined
}

/** The job-signing secret: env P2ENGINE_JOB_SECRET (or `.env`), else config.json `redis.secret`; undefined when unset. */
export function resolveJobSecret({ env = {}, dotenv, file }: RedisInputs): string | undefined {
  const v = varsOf(env, dotenv)('P2ENGINE_JOB_SECRET')
  if (v !== undefined) {
    if (v.value.length < 16) throw new ConfigError(`${v.where} P2ENGINE_JOB_SECRET: got a value shorter than 16 characters, expected a shared secret of at least 16 characters`)
    return v.value
  }
  return section(file).secret
}

/**
 * Everything the resolver reads for a loaded config: the environment, the config folder's `.env`
 * (REDIS_* and P2ENGINE_JOB_SECRET count; the process env wins per key) and config.json's `redis`.
 */
export function redisInputsOf(config: LoadedConfig | undefined, env: NodeJS.ProcessEnv, flag?: string, flagLabel?: string): RedisInputs {
  const path = config?.files?.dotenv
  return {
    env, file: redisSectionOf(config), ...(path ? { dotenv: readDotenv(path).values } : {}),
    ...(flag !== undefined ? { flag } : {}), ...(flagLabel ? { flagLabel } : {}),
  }
}

/** The raw `redis` section of the config.json a LoadedConfig was read from (undefined: no file). */
export function redisSectionOf(config: LoadedConfig | undefined): unknown {
  const path = config?.files?.appConfig
  if (!path || !existsSync(path)) return undefined
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { redis?: unknown }).redis
  } catch {
    return undefined // the loader already reported a broken file
  }
}

import type { LoadedConfig } from '../engine/config/types'

/** What a secret is replaced with in every log line. */
export const REDACTED = '[Redacted]'

/** Field names whose values are secrets wherever they appear (pino `redact` paths are built from them). */
const SECRET_FIELDS = [
  'apiKey', 'api_key', 'OPENAI_API_KEY', 'token', 'accessToken', 'access_token', 'idToken', 'secret', 'clientSecret',
  'password', 'authorization', 'Authorization', 'cookie', 'Cookie',
]

const SECRET_FIELD_SET: ReadonlySet<string> = new Set(SECRET_FIELDS)
/** How deep below a line's top level a secret field is still found (pino's `*.*.*.field`). */
const CENSOR_DEPTH = 3

/**
 * The fields of a log line (or a child logger's bindings) with the value of every secret field
 * at the top level and up to three levels down replaced by {@link REDACTED}: what pino's `redact`
 * paths `field`, `*.field`, `*.*.field` and `*.*.*.field` did, in one walk (pino compiled those
 * 56 wildcard paths at start and walked them on every line: ~3 ms of a cold CLI command). The
 * caller's objects are never changed: a branch with a secret is copied, the rest is shared.
 */
export function censorSecrets<T>(fields: T): T {
  return censorAt(fields, 0) as T
}

function censorAt(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > CENSOR_DEPTH) return value
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const v = censorAt(value[i], depth + 1)
      if (v !== value[i]) (out ??= value.slice())[i] = v
    }
    return out ?? value
  }
  if (value instanceof Error || value instanceof Date) return value
  let out: Record<string, unknown> | undefined
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const v = record[key]
    const next = SECRET_FIELD_SET.has(key) ? (v === undefined ? v : REDACTED) : censorAt(v, depth + 1)
    if (next !== v) (out ??= { ...record })[key] = next
  }
  return out ?? value
}

/** A JSON string member whose name says it is a secret (`"x-api-key":"…"`, `"canton_token":"…"`). */
const SECRET_MEMBER = /"([^"\\]*(?:key|token|secret|password|passwd|authorization|cookie)[^"\\]*)"\s*:\s*"(?:[^"\\]|\\.)*"/gi
/** A bearer credential anywhere in a message. */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g
/** A password in a URL (`https://user:secret@host`, `redis://:secret@host`: the user may be empty). */
const URL_PASSWORD = /(\/\/[^/\s:@"]*):[^/\s@"]+@/g
/** OpenAI-style keys (`sk-…`, `sk-proj-…`) anywhere in a message. */
const SK_KEY = /\bsk-[A-Za-z0-9_-]{12,}/g

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Returns a scrubber for serialized log lines: every known secret value (and its JSON-escaped
 * form) becomes `[Redacted]`, as do members named like secrets, bearer credentials, URL passwords and `sk-` keys.
 * A second line of defence behind the `redact` paths: a key pasted into a message is caught too.
 */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 6).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    .sort((a, b) => b.length - a.length)
  const known = values.length ? new RegExp(values.map(escapeRe).join('|'), 'g') : null
  return (line) => {
    let out = known ? line.replace(known, REDACTED) : line
    out = out.replace(SECRET_MEMBER, (_m, name: string) => `"${name}":"${REDACTED}"`)
    out = out.replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    out = out.replace(URL_PASSWORD, `$1:${REDACTED}@`)
    return out.replace(SK_KEY, `sk-${REDACTED}`)
  }
}

/** Environment variable names that hold credentials. */
const SECRET_ENV = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i

/**
 * The secret strings configured for this process: the model API key (config, `.env` or env),
 * and every environment value whose name says it is a credential (e.g. a Canton token).
 */
export function knownSecrets(config: Pick<LoadedConfig, 'settings'> | undefined, env: NodeJS.ProcessEnv = process.env, extra: readonly (string | undefined)[] = []): string[] {
  const out: string[] = []
  if (config?.settings.llm.apiKey) out.push(config.settings.llm.apiKey)
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 12 && !/^\d+$/.test(v) && SECRET_ENV.test(k)) out.push(v)
  out.push(...scaleOutSecrets(env))
  for (const v of extra) if (v) out.push(v)
  return out
}

/** Named secrets of the scale-out setup, kept from 6 characters on (shorter ones only by pattern). */
const SCALE_OUT_SECRETS = ['REDIS_PASSWORD', 'P2ENGINE_JOB_SECRET']

/** The password of a URL (raw and decoded), if it has one: `redis://:pw@host` gives `pw`. */
export function urlPassword(value: string): string[] {
  if (!value.includes('@')) return []
  try {
    const pw = new URL(value.trim()).password
    if (!pw) return []
    let decoded = pw
    try {
      decoded = decodeURIComponent(pw)
    } catch {
      // not percent-encoded
    }
    return [...new Set([pw, decoded])]
  } catch {
    return []
  }
}

/**
 * The Redis password (REDIS_PASSWORD, or inside REDIS_URL or any other URL-valued variable) and
 * the job-signing secret, from env-like values (the process env or a `.env` file's values).
 */
export function scaleOutSecrets(values: Record<string, string | undefined>): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(values)) {
    if (!v) continue
    if (SCALE_OUT_SECRETS.includes(k) && v.trim().length >= 6) out.push(v.trim())
    if (v.includes('://')) out.push(...urlPassword(v).filter((p) => p.length >= 6))
  }
  return out
}

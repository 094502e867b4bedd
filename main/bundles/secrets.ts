import type { LoadedConfig } from '../engine/config/types'
import { readDotenv } from '../engine/config/dotenv'
import { knownSecrets, lineScrubber, REDACTED, scaleOutSecrets, urlPassword } from '../logging/redact'
import { redisSectionOf } from '../scaleout/redisConfig'

/** `.env` and environment names that hold credentials (API keys, tokens, Canton JWT secrets, passwords). */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|JWT)/i
/** A YAML line whose key names a secret (`api_key: …`, `canton_token: …`). */
const SECRET_YAML_LINE = /^(\s*-?\s*["']?[\w.-]*(?:key|token|secret|password|passwd|jwt)[\w.-]*["']?\s*:\s*)(\S.*)$/gim

/**
 * Every secret value this process knows: the model API key, credential-named environment values
 * and credential-named `.env` values (the `.env` file itself is never bundled).
 */
export function bundleSecrets(config: Pick<LoadedConfig, 'settings' | 'files'> | undefined, env: NodeJS.ProcessEnv): string[] {
  const out = knownSecrets(config, env)
  for (const [k, v] of Object.entries(env)) if (v && v.length >= 6 && SECRET_NAME.test(k)) out.push(v)
  const dotenvPath = config?.files?.dotenv
  if (dotenvPath) {
    const values = readDotenv(dotenvPath).values
    for (const [k, v] of Object.entries(values)) if (v.length >= 6 && SECRET_NAME.test(k)) out.push(v)
    out.push(...scaleOutSecrets(values))
  }
  out.push(...redisFileSecrets(config))
  return [...new Set(out)]
}

/** config.json `redis.password`, `redis.secret` and the password inside `redis.url`. */
function redisFileSecrets(config: Pick<LoadedConfig, 'files'> | undefined): string[] {
  const section = redisSectionOf(config as LoadedConfig | undefined) as { password?: unknown; secret?: unknown; url?: unknown } | undefined
  if (!section || typeof section !== 'object') return []
  const out: string[] = []
  for (const v of [section.password, section.secret]) if (typeof v === 'string' && v.length >= 6) out.push(v)
  if (typeof section.url === 'string') out.push(...urlPassword(section.url).filter((p) => p.length >= 6))
  return out
}

/** Replaces every known secret value (and its JSON-escaped form) in entry text. */
export function valueScrubber(secrets: readonly string[]): (text: string) => string {
  // The same secrets build the same scrubber (a worker bundles every variant with its one config).
  const key = secrets.join('\0')
  if (lastScrubber?.key !== key) lastScrubber = { key, scrub: buildScrubber(secrets) }
  return lastScrubber.scrub
}

let lastScrubber: { key: string; scrub: (text: string) => string } | undefined

function buildScrubber(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 6).flatMap((s) => [s, JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)]))]
    .sort((a, b) => b.length - a.length)
  if (values.length === 0) return (t) => t
  const re = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
  return (t) => t.replace(re, REDACTED)
}

/**
 * Scrubs a config file: known values, then members and YAML keys named like secrets, bearer
 * credentials, URL passwords and `sk-` keys (the log scrubber's rules).
 */
export function scrubConfigFile(path: string, text: string, secrets: readonly string[]): string {
  let out = valueScrubber(secrets)(text)
  if (/\.ya?ml$/i.test(path)) out = out.replace(SECRET_YAML_LINE, (_m, head: string) => `${head}"${REDACTED}"`)
  const scrub = lineScrubber([])
  return out.split('\n').map(scrub).join('\n')
}

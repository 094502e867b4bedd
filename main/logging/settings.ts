import { ConfigError } from '../engine/errors'
import { NO_DOTENV, readDotenv } from '../engine/config/dotenv'
import { formatIssue, type ConfigIssue } from '../engine/config/issues'
import { pickLayer, type SettingSpec } from '../engine/config/settings'
import type { LoadedConfig } from '../engine/config/types'
import type { LogLevel } from '../engine/ports/logger'

/**
 * Log settings, with the same precedence as every other setting (env > `.env` > default):
 * `LOG_LEVEL` (checked by the config loader), `WORKER_LOG_LEVEL` (default: LOG_LEVEL),
 * `LOG_TO_CONSOLE` (default off), `LOG_MAX_SIZE` (default 10M) and `LOG_MAX_FILES` (default 5).
 */
export interface LoggingSettings {
  level: LogLevel
  workerLevel: LogLevel
  /** Also print a human one-line format to stderr. */
  console: boolean
  /** Size at which a file is rotated, with a unit: `10M`, `500K` (B, K, M or G). */
  maxSize: string
  /** Rotated files kept per log (`app.log.1` … `app.log.N`). */
  maxFiles: number
}

/** Level names accepted in LOG_LEVEL / WORKER_LOG_LEVEL (the original's Python names included). */
export const LEVEL_NAMES: Readonly<Record<string, LogLevel>> = {
  TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal', FATAL: 'fatal',
}

/** `warning` → `warn`, `CRITICAL` → `fatal`; undefined for an unknown name. */
export function levelOf(name: string): LogLevel | undefined {
  return LEVEL_NAMES[name.trim().toUpperCase()]
}

type Parsed = { ok: true; value: unknown } | { ok: false; expected: string }

const level = (raw: unknown): Parsed => {
  const l = typeof raw === 'string' ? levelOf(raw) : undefined
  return l ? { ok: true, value: l } : { ok: false, expected: `one of ${Object.keys(LEVEL_NAMES).join(', ')} (any case)` }
}
const flag = (raw: unknown): Parsed => {
  const v = String(raw).trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return { ok: true, value: true }
  if (['0', 'false', 'no', 'off'].includes(v)) return { ok: true, value: false }
  return { ok: false, expected: '1/true or 0/false' }
}
const size = (raw: unknown): Parsed => {
  const m = /^\s*(\d{1,6})\s*([BKMG])B?\s*$/i.exec(String(raw))
  const n = m ? Number(m[1]) : 0
  return m && n >= 1 ? { ok: true, value: `${n}${m[2]!.toUpperCase()}` } : { ok: false, expected: 'a size like 10M, 500K or 1G' }
}
const count = (raw: unknown): Parsed => {
  const s = String(raw).trim()
  const n = Number(s)
  return /^\d+$/.test(s) && n >= 1 && n <= 100 ? { ok: true, value: n } : { ok: false, expected: 'a whole number from 1 to 100' }
}

const spec = (env: string, parse: SettingSpec['parse']): SettingSpec => ({ key: env, env, default: () => undefined, parse })

const SPECS = {
  workerLevel: spec('WORKER_LOG_LEVEL', level),
  console: spec('LOG_TO_CONSOLE', flag),
  maxSize: spec('LOG_MAX_SIZE', size),
  maxFiles: spec('LOG_MAX_FILES', count),
}

/** The log settings and every bad value among them (each naming where it was set, the value and what is allowed). */
export function checkLoggingSettings(config: LoadedConfig, env: NodeJS.ProcessEnv = process.env): { settings: LoggingSettings; issues: ConfigIssue[] } {
  const dotenv = config.files?.dotenv ? readDotenv(config.files.dotenv) : NO_DOTENV
  const issues: ConfigIssue[] = []
  const value = (s: SettingSpec): unknown => {
    const hit = pickLayer(s, { flags: {}, env, dotenv })
    if (!hit) return undefined
    const p = s.parse(hit.raw)
    if (p.ok) return p.value
    issues.push({ ...hit.where, message: `got ${JSON.stringify(hit.raw)}, expected ${p.expected}` })
    return undefined
  }
  const main = levelOf(config.settings.logLevel) ?? 'info'
  const settings: LoggingSettings = {
    level: main,
    workerLevel: (value(SPECS.workerLevel) as LogLevel | undefined) ?? main,
    console: (value(SPECS.console) as boolean | undefined) ?? false,
    maxSize: (value(SPECS.maxSize) as string | undefined) ?? '10M',
    maxFiles: (value(SPECS.maxFiles) as number | undefined) ?? 5,
  }
  return { settings, issues }
}

/**
 * Resolves the log settings of a loaded config (its `.env` file is read again for the settings
 * the loader does not know). A bad value is a {@link ConfigError} naming where it was set, the
 * value and what is allowed, e.g. `env WORKER_LOG_LEVEL: got "LOUD", expected one of TRACE, …`.
 */
export function resolveLoggingSettings(config: LoadedConfig, env: NodeJS.ProcessEnv = process.env): LoggingSettings {
  const { settings, issues } = checkLoggingSettings(config, env)
  if (issues.length) throw new ConfigError(issues.map(formatIssue), 'LOG_SETTINGS')
  return settings
}

import { join, resolve } from 'node:path'
import { formatDecimal, parseDecimal } from '../ledger/decimal'
import { appDataDir, APP_NAME } from '../paths'
import type { DotenvFile } from './dotenv'
import type { ConfigIssue } from './issues'
import type { Settings, SettingSource } from './types'

/**
 * Resolution of every setting with ONE precedence rule:
 *   CLI flag > environment variable > `.env` file > config.json > built-in default.
 * Empty strings count as unset. Each resolved value records where it came from.
 */

type Parsed = { ok: true; value: unknown } | { ok: false; expected: string }

/** One setting: its env var (also the key of CLI flags), its config.json key and its default. */
export interface SettingSpec {
  key: string
  env: string
  /** Path in config.json, if the file can set it. */
  file?: readonly string[]
  /** Human name of the CLI flag, if there is one. */
  flag?: string
  default: (env: NodeJS.ProcessEnv) => unknown
  parse: (raw: unknown) => Parsed
  /** Never printed in full. */
  secret?: boolean
}

const ok = (value: unknown): Parsed => ({ ok: true, value })
const str = (raw: unknown): Parsed => (typeof raw === 'string' && raw.trim() ? ok(raw.trim()) : { ok: false, expected: 'a non-empty string' })
const oneOf = (values: readonly string[], fold: (s: string) => string = (s) => s) => (raw: unknown): Parsed => {
  const v = typeof raw === 'string' ? fold(raw.trim()) : raw
  return typeof v === 'string' && values.includes(v) ? ok(v) : { ok: false, expected: `one of ${values.join(', ')}` }
}
const url = (raw: unknown): Parsed => {
  if (typeof raw === 'string' && /^https?:\/\//.test(raw.trim()) && URL.canParse(raw.trim())) return ok(raw.trim().replace(/\/+$/, ''))
  return { ok: false, expected: 'an http(s) URL like http://localhost:7575' }
}
const bool = (raw: unknown): Parsed => {
  if (typeof raw === 'boolean') return ok(raw)
  const v = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  if (['true', '1', 'yes', 'on'].includes(v)) return ok(true)
  if (['false', '0', 'no', 'off'].includes(v)) return ok(false)
  return { ok: false, expected: 'true or false' }
}
const decimal = (raw: unknown): Parsed => {
  const expected = 'a decimal number ≥ 0 with at most 10 fractional digits, like 100.0'
  if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, expected }
  try {
    const units = parseDecimal(raw, 'initial balance')
    return units < 0n ? { ok: false, expected } : ok(formatDecimal(units))
  } catch {
    return { ok: false, expected }
  }
}

const concurrency = (raw: unknown): Parsed =>
  typeof raw === 'string' && /^\s*(?:[a-z0-9_-]+=)?\d+\s*(?:,\s*(?:[a-z0-9_-]+=)?\d+\s*)*$/i.test(raw) && !/(^|[=,\s])0+(\D|$)/.test(raw)
    ? ok(raw.replace(/\s+/g, ''))
    : { ok: false, expected: 'concurrent model calls per provider, like openai=8,ollama=2 (or one number for all)' }
const positiveInt = (raw: unknown): Parsed => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN
  return Number.isInteger(n) && n >= 1 && n <= 512 ? ok(n) : { ok: false, expected: 'a whole number from 1 to 512' }
}

const bytes = (raw: unknown): Parsed => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN
  return Number.isSafeInteger(n) && n >= 0 && n <= 1024 ** 3 ? ok(n) : { ok: false, expected: 'a byte count from 0 to 1073741824, like 65536' }
}
// S3 bucket naming rules (as main/storage/s3/url.ts checks s3:// addresses).
const bucketName = (raw: unknown): Parsed =>
  typeof raw === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw.trim()) && !raw.includes('..')
    ? ok(raw.trim())
    : { ok: false, expected: 'an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens' }
const keyPrefix = (raw: unknown): Parsed => {
  const p = str(raw)
  if (!p.ok) return p
  const v = (p.value as string).replace(/^\/+|\/+$/g, '')
  return v && !v.includes('//') ? ok(v) : { ok: false, expected: 'a key prefix like p2engine/artifacts (no empty path segments)' }
}

/** Artifact payloads above this many bytes go to the bucket with ARTIFACT_DRIVER=s3. */
export const DEFAULT_S3_THRESHOLD_BYTES = 64 * 1024

/** LOG_LEVEL values: the original's Python names plus pino's `TRACE` and `FATAL`. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL', 'FATAL'] as const

/** Every resolved setting, in display order. */
export const SETTING_SPECS: readonly SettingSpec[] = [
  { key: 'home', env: 'P2ENGINE_HOME', flag: '--home', default: (env) => join(appDataDir(env), APP_NAME), parse: (r) => { const p = str(r); return p.ok ? ok(resolve(p.value as string)) : p } },
  { key: 'ledger.backend', env: 'LEDGER_BACKEND', flag: '--ledger-backend', file: ['ledger', 'backend'], default: () => 'embedded', parse: oneOf(['embedded', 'canton'], (s) => s.toLowerCase()) },
  { key: 'ledger.partyId', env: 'LEDGER_PARTY_ID', file: ['ledger', 'party_id'], default: () => 'p2engine::default', parse: str },
  { key: 'ledger.initialBalance', env: 'LEDGER_INITIAL_BALANCE', file: ['ledger', 'initial_balance'], default: () => '100.0', parse: decimal },
  { key: 'ledger.jsonApiUrl', env: 'LEDGER_API_URL', file: ['ledger', 'json_api_url'], default: () => 'http://localhost:7575', parse: url },
  { key: 'ledger.enabled', env: 'LEDGER_ENABLED', file: ['ledger', 'enabled'], default: () => true, parse: bool },
  { key: 'llm.apiBase', env: 'OPENAI_BASE_URL', file: ['llm', 'api_base'], default: () => 'https://api.openai.com/v1', parse: url },
  { key: 'llm.apiKey', env: 'OPENAI_API_KEY', file: ['llm', 'api_key'], default: () => undefined, parse: str, secret: true },
  { key: 'llm.defaultModel', env: 'LLM_DEFAULT_MODEL', file: ['llm', 'models', 'default_model'], default: () => 'openai/gpt-4o', parse: str },
  { key: 'dedupPolicy', env: 'DEDUP_POLICY', default: () => 'none', parse: oneOf(['none', 'penalty', 'strict'], (s) => s.toLowerCase()) },
  { key: 'logLevel', env: 'LOG_LEVEL', default: () => 'INFO', parse: oneOf(LOG_LEVELS, (s) => s.toUpperCase()) },
  { key: 'llm.concurrency', env: 'P2ENGINE_MODEL_CONCURRENCY', default: () => 'openai=16,ollama=2,lmstudio=2,vllm=8', parse: concurrency },
  { key: 'poolSize', env: 'P2ENGINE_POOL_SIZE', default: () => 32, parse: positiveInt },
  { key: 'artifacts.driver', env: 'ARTIFACT_DRIVER', default: () => 'fs', parse: oneOf(['fs', 's3'], (s) => s.toLowerCase()) },
  { key: 'artifacts.s3Bucket', env: 'S3_BUCKET', default: () => undefined, parse: bucketName },
  { key: 'artifacts.s3Prefix', env: 'S3_PREFIX', default: () => '', parse: keyPrefix },
  { key: 'artifacts.s3ThresholdBytes', env: 'S3_THRESHOLD_BYTES', default: () => DEFAULT_S3_THRESHOLD_BYTES, parse: bytes },
]

/** The layers a setting can come from, highest first (the file layer is the raw config.json data). */
export interface SettingLayers {
  flags: Record<string, string | undefined>
  env: NodeJS.ProcessEnv
  dotenv: DotenvFile
  /** Raw (validated) config.json data, its display name and a line finder; absent when there is no file. */
  file?: { name: string; data: unknown; lineOf(path: readonly string[]): number | undefined }
}

const getIn = (data: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data)

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== ''

/** Where a raw value was found: the winning layer for one setting. */
export function pickLayer(spec: SettingSpec, layers: SettingLayers): { source: SettingSource; raw: unknown; where: Omit<ConfigIssue, 'message'> } | undefined {
  const flag = layers.flags[spec.env]
  if (present(flag)) return { source: 'flag', raw: flag, where: { file: spec.flag ?? `flag ${spec.env}`, path: '' } }
  if (present(layers.env[spec.env])) return { source: 'env', raw: layers.env[spec.env], where: { file: `env ${spec.env}`, path: '' } }
  const d = layers.dotenv
  if (d.path && present(d.values[spec.env])) return { source: 'dotenv', raw: d.values[spec.env], where: { file: d.path, line: d.lineOf(spec.env), path: spec.env } }
  if (spec.file && layers.file) {
    const v = getIn(layers.file.data, spec.file)
    if (present(v)) {
      // The line is looked up only when an issue reads it: finding lines parses the file again.
      const { name, lineOf } = layers.file
      const at = spec.file
      return { source: 'file', raw: v, where: { file: name, get line() { return lineOf(at) }, path: at.join('.') } }
    }
  }
  return undefined
}

/** Resolves all settings; every bad value is one issue naming its source, value and expectation. */
export function resolveSettings(layers: SettingLayers): { settings: Settings; sources: Record<string, SettingSource>; issues: ConfigIssue[] } {
  const flat: Record<string, unknown> = {}
  const sources: Record<string, SettingSource> = {}
  const issues: ConfigIssue[] = []
  /** Bad S3_* values matter only with ARTIFACT_DRIVER=s3 (otherwise they are ignored, with a warning). */
  const s3Issues = new Set<ConfigIssue>()
  for (const spec of SETTING_SPECS) {
    const hit = pickLayer(spec, layers)
    if (!hit) {
      flat[spec.key] = spec.default(layers.env)
      sources[spec.key] = 'default'
      continue
    }
    const parsed = spec.parse(hit.raw)
    if (parsed.ok) {
      flat[spec.key] = parsed.value
      sources[spec.key] = hit.source
    } else {
      const shown = spec.secret ? 'a value' : JSON.stringify(hit.raw)
      const issue = { ...hit.where, message: `got ${shown}, expected ${parsed.expected}` }
      issues.push(issue)
      if (spec.env.startsWith('S3_')) s3Issues.add(issue)
      flat[spec.key] = spec.default(layers.env)
      sources[spec.key] = 'default'
    }
  }
  const settings: Settings = {
    home: flat.home as string,
    ledger: {
      backend: flat['ledger.backend'] as Settings['ledger']['backend'],
      partyId: flat['ledger.partyId'] as string,
      initialBalance: flat['ledger.initialBalance'] as string,
      jsonApiUrl: flat['ledger.jsonApiUrl'] as string,
      enabled: flat['ledger.enabled'] as boolean,
    },
    llm: {
      apiBase: flat['llm.apiBase'] as string,
      ...(flat['llm.apiKey'] !== undefined ? { apiKey: flat['llm.apiKey'] as string } : {}),
      defaultModel: flat['llm.defaultModel'] as string,
      concurrency: flat['llm.concurrency'] as string,
    },
    poolSize: flat.poolSize as number,
    dedupPolicy: flat.dedupPolicy as Settings['dedupPolicy'],
    logLevel: flat.logLevel as string,
    artifacts: {
      driver: flat['artifacts.driver'] as 'fs' | 's3',
      ...(flat['artifacts.s3Bucket'] !== undefined ? { s3Bucket: flat['artifacts.s3Bucket'] as string } : {}),
      s3Prefix: flat['artifacts.s3Prefix'] as string,
      s3ThresholdBytes: flat['artifacts.s3ThresholdBytes'] as number,
    },
  }
  if (settings.artifacts?.driver !== 's3') return { settings, sources, issues: issues.filter((i) => !s3Issues.has(i)) }
  if (!settings.artifacts.s3Bucket && !s3Issues.size) {
    const driver = SETTING_SPECS.find((x) => x.env === 'ARTIFACT_DRIVER')!
    issues.push({ ...pickLayer(driver, layers)!.where, message: 'ARTIFACT_DRIVER=s3 needs S3_BUCKET: set it to the bucket that keeps large artifact payloads' })
  }
  return { settings, sources, issues }
}

/** `sk-abc…wxyz` — enough to recognise a key, never the key. */
export function maskSecret(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  return value.length >= 16 ? `${value.slice(0, 3)}…${value.slice(-4)}` : '****'
}

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ConnectionTest, SettingsPatch, SettingsView } from '../../../preload/contract'
import type { LoadedConfig } from '../../engine/config/types'
import { ConfigError } from '../../engine/errors'
import { makePrivateDirs } from '../../storage/permissions'
import { maskRedisUrl, redisInputsOf, resolveRedis } from '../../scaleout/redisConfig'
import { testModelEndpoint, testRedis } from './connectionTests'
import type { SecretVault } from './vault'

/** Name of the OpenAI key in the vault. */
export const OPENAI_KEY = 'openaiApiKey'
/** Name of a Redis URL with a password in the vault (settings.json keeps it masked). */
export const REDIS_URL_KEY = 'redisUrl'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** What `settings.json` holds: never a key, and a Redis URL only with its password masked. */
const SavedSchema = z.object({
  baseUrl: z.string().optional(),
  defaultModel: z.string().optional(),
  dedupPolicy: z.enum(['none', 'penalty', 'strict']).optional(),
  ledgerBackend: z.enum(['embedded', 'canton']).optional(),
  redisUrl: z.string().optional(),
}).strip()
export type SavedSettings = z.infer<typeof SavedSchema>

/** Reads `<home>/settings.json`; absent → {}; broken → ConfigError naming the file and key. */
export function readSavedSettings(home: string): SavedSettings {
  const file = join(home, 'settings.json')
  if (!existsSync(file)) return {}
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON (${(err as Error).message}); fix it or delete it to use the defaults`)
  }
  const parsed = SavedSchema.safeParse(raw)
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`))
  return parsed.data
}

/** The config with saved settings (and a stored key) applied over the file/env values. */
export function applySavedSettings(config: LoadedConfig, saved: SavedSettings, apiKey: string | undefined): LoadedConfig {
  const s = config.settings
  return {
    ...config,
    settings: {
      ...s,
      llm: {
        ...s.llm,
        apiBase: saved.baseUrl ?? s.llm.apiBase,
        defaultModel: saved.defaultModel ?? s.llm.defaultModel,
        ...(apiKey ? { apiKey } : {}),
      },
      dedupPolicy: saved.dedupPolicy ?? s.dedupPolicy,
      ledger: { ...s.ledger, backend: saved.ledgerBackend ?? s.ledger.backend },
    },
  }
}

/**
 * Settings as the Settings screen edits them. Non-secret values go to `<home>/settings.json`
 * (written atomically); the API key goes to the vault only. The running engine keeps what it
 * started with; the view says when a restart is needed.
 */
export class SettingsService {
  private keyChanged = false

  constructor(
    /** The config the running engine was built from (saved settings already applied). */
    private readonly running: LoadedConfig,
    readonly vault: SecretVault,
    private readonly probe?: (url: string) => Promise<boolean>,
  ) {}

  get file(): string {
    return join(this.running.settings.home, 'settings.json')
  }

  view(): SettingsView {
    const saved = readSavedSettings(this.running.settings.home)
    const s = this.running.settings
    const key = this.vault.get(OPENAI_KEY)
    const v = {
      baseUrl: saved.baseUrl ?? s.llm.apiBase,
      defaultModel: saved.defaultModel ?? s.llm.defaultModel,
      dedupPolicy: saved.dedupPolicy ?? s.dedupPolicy,
      ledgerBackend: saved.ledgerBackend ?? s.ledger.backend,
    }
    return {
      openaiApiKey: { set: Boolean(key), hint: key ? `…${key.slice(-4)}` : null },
      ...v,
      redisUrl: saved.redisUrl ?? '',
      keyStorage: this.vault.kind,
      file: this.file,
      restartRequired: this.keyChanged || v.baseUrl !== s.llm.apiBase || v.defaultModel !== s.llm.defaultModel || v.dedupPolicy !== s.dedupPolicy || v.ledgerBackend !== s.ledger.backend,
    }
  }

  set(patch: SettingsPatch): SettingsView {
    const { openaiApiKey, redisUrl, ...rest } = patch
    const before = readSavedSettings(this.running.settings.home)
    const saved: SavedSettings = { ...before, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) }
    if (redisUrl !== undefined) saved.redisUrl = this.keepRedisUrl(redisUrl, before.redisUrl)
    this.write(saved)
    if (openaiApiKey !== undefined) {
      this.vault.set(OPENAI_KEY, openaiApiKey)
      this.keyChanged = true
    }
    return this.view()
  }

  /**
   * A Redis URL with a password goes to the vault; settings.json gets it masked
   * (`redis://:***@host:6379`). The masked URL sent back unchanged keeps the stored one.
   */
  private keepRedisUrl(typed: string, savedBefore: string | undefined): string {
    const stored = this.vault.get(REDIS_URL_KEY)
    if (stored && typed === savedBefore && typed === maskRedisUrl(stored)) return typed
    // Host or port edited, the masked password left as it was: keep the stored password.
    const url = stored ? withPasswordOf(typed, stored) : typed
    const masked = maskRedisUrl(url)
    this.vault.set(REDIS_URL_KEY, masked === url ? null : url)
    return masked
  }

  /**
   * The saved Redis URL with its password (from the vault), or undefined when none is saved.
   * A masked URL whose password is not in the vault (memory vault after a restart) is a one-line ConfigError.
   */
  savedRedisUrl(): string | undefined {
    const saved = readSavedSettings(this.running.settings.home).redisUrl
    if (!saved) return undefined
    const stored = this.vault.get(REDIS_URL_KEY)
    if (stored && maskRedisUrl(stored) === saved) return stored
    if (saved !== maskRedisUrl(saved) || !saved.includes(':***@')) return saved
    throw new ConfigError(`${this.file}: redisUrl ${JSON.stringify(saved)}: its password is not in this session's key storage (${this.vault.kind}); enter the Redis URL again in Settings`)
  }

  /** Moves a plain-text Redis password of an older settings.json into the vault (once; no-op otherwise). */
  secureRedisUrl(): void {
    const saved = readSavedSettings(this.running.settings.home)
    if (!saved.redisUrl || maskRedisUrl(saved.redisUrl) === saved.redisUrl) return
    this.vault.set(REDIS_URL_KEY, saved.redisUrl)
    this.write({ ...saved, redisUrl: maskRedisUrl(saved.redisUrl) })
  }

  private write(saved: SavedSettings): void {
    makePrivateDirs(this.running.settings.home)
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 }) // only the owner reads settings
    renameSync(tmp, this.file)
  }

  test(target: 'model' | 'redis', url?: string): Promise<ConnectionTest> {
    const v = this.view()
    if (target === 'model') return testModelEndpoint(url || v.baseUrl, this.probe)
    // The same resolver as `p2engine doctor` and the workers: typed/saved URL, else REDIS_*, else config.json.
    let redis
    try {
      // The masked URL on screen stands for the stored one (password from the vault).
      const typed = url && url !== v.redisUrl ? url : this.savedRedisUrl()
      redis = resolveRedis(redisInputsOf(this.running, process.env, typed, 'Redis URL'))
    } catch (err) {
      return Promise.resolve({ target: 'redis', url: maskRedisUrl(url || v.redisUrl || ''), ok: false, ms: 0, message: (err as Error).message })
    }
    return testRedis(redis?.url ?? DEFAULT_REDIS_URL)
  }
}

/** `typed` with the password of `stored` when `typed` still shows the mask (`:***@`). */
function withPasswordOf(typed: string, stored: string): string {
  try {
    const u = new URL(typed)
    if (u.password !== '***') return typed
    u.password = new URL(stored).password
    return u.toString()
  } catch {
    return typed
  }
}

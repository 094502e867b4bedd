import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ConnectionTest, SettingsPatch, SettingsView } from '../../../preload/contract'
import type { LoadedConfig } from '../../engine/config/types'
import { ConfigError } from '../../engine/errors'
import { makePrivateDirs } from '../../storage/permissions'
import { maskRedisUrl, redisSectionOf, resolveRedis } from '../../scaleout/redisConfig'
import { testModelEndpoint, testRedis } from './connectionTests'
import type { SecretVault } from './vault'

/** Name of the OpenAI key in the vault. */
export const OPENAI_KEY = 'openaiApiKey'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** What `settings.json` holds: never a key. */
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
    const { openaiApiKey, ...rest } = patch
    const saved = { ...readSavedSettings(this.running.settings.home), ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) }
    makePrivateDirs(this.running.settings.home)
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 }) // only the owner reads settings
    renameSync(tmp, this.file)
    if (openaiApiKey !== undefined) {
      this.vault.set(OPENAI_KEY, openaiApiKey)
      this.keyChanged = true
    }
    return this.view()
  }

  test(target: 'model' | 'redis', url?: string): Promise<ConnectionTest> {
    const v = this.view()
    if (target === 'model') return testModelEndpoint(url || v.baseUrl, this.probe)
    // The same resolver as `p2engine doctor` and the workers: typed/saved URL, else REDIS_*, else config.json.
    let redis
    try {
      redis = resolveRedis({ flag: url || v.redisUrl || undefined, flagLabel: 'Redis URL', env: process.env, file: redisSectionOf(this.running) })
    } catch (err) {
      return Promise.resolve({ target: 'redis', url: maskRedisUrl(url || v.redisUrl || ''), ok: false, ms: 0, message: (err as Error).message })
    }
    return testRedis(redis?.url ?? DEFAULT_REDIS_URL)
  }
}

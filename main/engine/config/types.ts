/**
 * What loading a config folder yields. `load.ts` implements {@link LoadConfig}; schemas live in
 * `main/engine/schema/`. Precedence for every setting: CLI flag > env var > `.env` > config file > default.
 */

export type LedgerBackend = 'embedded' | 'canton'
export type DedupPolicy = 'none' | 'penalty' | 'strict'

/** Resolved settings after precedence has been applied. */
export interface Settings {
  /** P2ENGINE_HOME: where the database, logs and artifacts live. */
  home: string
  ledger: {
    backend: LedgerBackend
    /** The party that signs every wallet (config `ledger.party_id`). */
    partyId: string
    /** Decimal string; balance of wallets made by `ledger init` unless `--balance` is given. */
    initialBalance: string
    jsonApiUrl: string
    enabled: boolean
  }
  llm: {
    apiBase: string
    /** Present only when configured; nothing in the foundation needs it. */
    apiKey?: string
    defaultModel: string
  }
  dedupPolicy: DedupPolicy
  logLevel: string
}

/** Where each resolved setting came from, for `config show`. */
export type SettingSource = 'flag' | 'env' | 'dotenv' | 'file' | 'default'

export interface LoadedConfig {
  configDir: string
  /** Agents from `agents.yml`, in file order. */
  agents: AgentDefinition[]
  settings: Settings
  sources: Record<string, SettingSource>
}

/** One entry of `agents.yml` (shape per `type`, strict as the original). */
export type AgentDefinition =
  | {
      id: string
      type: 'llm'
      llm_model: string
      behavior_template: string | null
      tools: string[]
      render_policy: string | null
      enable_self_reflection: boolean
      reflection_agent_id: string | null
    }
  | { id: string; type: 'rule_based'; rules: Record<string, string> }
  | { id: string; type: 'human_in_loop'; callback_url: string | null }

export interface LoadConfigOptions {
  /** `--config`; else P2ENGINE_CONFIG_DIR; else `./config`. */
  configDir?: string
  /** Values given as CLI flags, keyed like env vars (e.g. `LEDGER_BACKEND`). */
  flags?: Record<string, string | undefined>
  env?: NodeJS.ProcessEnv
}

export type LoadConfig = (options?: LoadConfigOptions) => LoadedConfig

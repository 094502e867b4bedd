import type { AgentDefinition } from '../schema/agents'
import type { McpServersConfig } from '../schema/mcpServers'

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
    /** Concurrent model calls per provider (`openai=16,ollama=2`), adaptive on rate limits. */
    concurrency: string
  }
  /** Worker threads for rollout variants (`--parallel` is capped by it). */
  poolSize: number
  dedupPolicy: DedupPolicy
  logLevel: string
  /** Where artifact payloads live (absent in hand-made fixtures: `fs`). */
  artifacts?: ArtifactStorageSettings
}

/** `ARTIFACT_DRIVER` and, for `s3`, `S3_BUCKET`, `S3_PREFIX`, `S3_THRESHOLD_BYTES`. */
export interface ArtifactStorageSettings {
  /** `fs`: payloads inline in SQLite; `s3`: payloads above the threshold in the bucket. */
  driver: 'fs' | 's3'
  /** Required with `s3`. */
  s3Bucket?: string
  /** Key prefix without surrounding slashes ("" for none). */
  s3Prefix: string
  s3ThresholdBytes: number
}

/** Where each resolved setting came from, for `config show`. */
export type SettingSource = 'flag' | 'env' | 'dotenv' | 'file' | 'default'

export interface LoadedConfig {
  configDir: string
  /** Agents from `agents.yml`, in file order. */
  agents: AgentDefinition[]
  settings: Settings
  sources: Record<string, SettingSource>
  /** Absolute paths of the files that were read (null: absent, defaults used). Optional for hand-made fixtures. */
  files?: { agents: string; appConfig: string | null; dotenv: string | null }
  /** Settings that are set but ignored (e.g. `REDIS_HOST`), one message each; print them once. */
  warnings?: string[]
  /** MCP servers from config.json `mcp_servers` and `config/mcp.json` (absent: none). */
  mcpServers?: McpServersConfig
}

/** One entry of `agents.yml` (shape per `type`, strict as the original); inferred from the zod schema. */
export type { AgentDefinition } from '../schema/agents'

export interface LoadConfigOptions {
  /** `--config`; else P2ENGINE_CONFIG_DIR; else `./config`. */
  configDir?: string
  /** Values given as CLI flags, keyed like env vars (e.g. `LEDGER_BACKEND`). */
  flags?: Record<string, string | undefined>
  env?: NodeJS.ProcessEnv
  /** Explicit `.env` path; `null` reads none (tests). Default: DOTENV_PATH, else `<config dir>/../.env`. */
  dotenvPath?: string | null
  /** Tool names agents may use (default: the built-in tools). */
  tools?: readonly string[]
  /** Parsed YAML remembered between runs (the bundled CLI's); without it every file is parsed. */
  yamlCache?: ParsedYamlCache
}

/**
 * The data of YAML files parsed before, by path and exact text. Only a file that parsed and
 * validated cleanly, with plain-JSON data, is remembered; a hit skips the YAML parser (its lines
 * are found by parsing only if a problem needs one).
 */
export interface ParsedYamlCache {
  get(path: string, text: string): { data: unknown } | undefined
  put(path: string, text: string, data: unknown): void
}

export type LoadConfig = (options?: LoadConfigOptions) => LoadedConfig

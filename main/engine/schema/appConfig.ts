import { z } from 'zod'
import { McpServersSchema } from './mcpServers'

/**
 * `config/config.json` (behaviour.md §10.1), strict: unknown keys are rejected at every level.
 * Every section is optional and filled with the original's defaults. Additions over the
 * original: `ledger.backend` (embedded | canton) and `llm.api_key` being optional everywhere —
 * nothing needs an OpenAI key to start.
 */

const port = z.int().min(1).max(65535)

/**
 * The original's `host`/`port`/`db` plus the scale-out additions (all optional): `url`
 * (redis:// or rediss://), `password`, `tls`, `enabled` (use host/port/db without a URL) and
 * `secret` (HMAC key that signs worker jobs). See main/scaleout/redisConfig.ts.
 */
export const RedisSectionSchema = z.strictObject({
  host: z.string().min(1).default('localhost'),
  port: port.default(6379),
  db: z.int().min(0).default(0),
  url: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  tls: z.boolean().optional(),
  enabled: z.boolean().optional(),
  secret: z.string().min(16).optional(),
})

export const SupportedModelSchema = z.strictObject({ provider: z.string().min(1) })

export const LlmSectionSchema = z.strictObject({
  api_base: z.url().default('https://api.openai.com/v1'),
  api_key: z.string().min(1).optional(),
  models: z
    .strictObject({
      supported_models: z.record(z.string(), SupportedModelSchema).default({ 'openai/gpt-4o': { provider: 'openai' } }),
      default_model: z.string().min(1).default('openai/gpt-4o'),
    })
    .prefault({}),
})

export const LoggingSectionSchema = z.strictObject({
  log_dir: z.string().min(1).default('logs'),
  log_file: z.string().min(1).default('main.log'),
})

export const AgentSectionSchema = z.strictObject({
  technical_failure_message: z.string().default("Sorry, I'm experiencing technical difficulties. Please try again later."),
})

export const LedgerBackendSchema = z.enum(['embedded', 'canton'])

/**
 * `initial_balance` is a JSON number (as shipped, `100.0`) or a decimal string; the loader checks
 * it against Daml Decimal rules (this module imports only zod).
 */
export const LedgerSectionSchema = z.strictObject({
  backend: LedgerBackendSchema.default('embedded'),
  enabled: z.boolean().default(true),
  json_api_url: z.url().default('http://localhost:7575'),
  party_id: z.string().min(1).default('p2engine::default'),
  initial_balance: z.union([z.number(), z.string()]).default(100),
  cache_ttl: z.number().min(0).default(60),
})

export const AppConfigSchema = z.strictObject({
  redis: RedisSectionSchema.prefault({}),
  llm: LlmSectionSchema.prefault({}),
  logging: LoggingSectionSchema.prefault({}),
  mode: z.string().min(1).default('production'),
  agent: AgentSectionSchema.prefault({}),
  ledger: LedgerSectionSchema.prefault({}),
  /** MCP servers whose tools agents may use (`SERVER__TOOL`); also `config/mcp.json`. */
  mcp_servers: McpServersSchema.default({}),
})
export type AppConfig = z.infer<typeof AppConfigSchema>

import { z } from 'zod'
import { defineEvent, defineInvoke, NoInput } from './define'

/** App domain: facts about the running host. */

/** Wallets the host created at start: none when the ledger already had some (or is Canton). */
export const FirstStartSchema = z.object({
  /** Agents that got a new wallet at this start, in creation order. */
  created: z.array(z.string()),
  /** Their initial balance (decimal string), null when none were created. */
  balance: z.string().nullable(),
  /** Why creating them failed (and what to run instead), else null. */
  error: z.string().nullable(),
})
export type FirstStart = z.infer<typeof FirstStartSchema>

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** `electron` for the desktop window, `browser` for `p2engine ui`. */
  host: z.enum(['electron', 'browser']),
  /** P2ENGINE_HOME in use. */
  home: z.string(),
  configDir: z.string(),
  ledgerBackend: z.enum(['embedded', 'canton']),
  /** What this start did before the UI opened (wallets for the configured agents on a fresh ledger). */
  firstStart: FirstStartSchema,
  /** Settings that are set but ignored (ARTIFACT_DRIVER, REDIS_*, S3_*), one message each, as the CLI prints them; then custom tool files that did not load. */
  configWarnings: z.array(z.string()),
  /** "Ledger disabled (LEDGER_ENABLED=false): …" when the ledger is off, else null. */
  ledgerNote: z.string().nullable(),
})
export type AppInfo = z.infer<typeof AppInfoSchema>

/** Which model answers chats that use the default model, resolved as the engine resolves it. */
export const ModelInfoSchema = z.object({
  /** The configured default model id, e.g. `openai/gpt-4o`. */
  model: z.string(),
  /** True when the built-in offline scripted model answers instead. */
  offline: z.boolean(),
  /** Why, e.g. "no OPENAI_API_KEY and no local server at …" or "OpenAI-compatible endpoint …". */
  reason: z.string(),
  /** Settings were saved that the running engine picks up only after a restart. */
  restartRequired: z.boolean(),
})
export type ModelInfo = z.infer<typeof ModelInfoSchema>

export const appInvokes = {
  'app:info': defineInvoke('name, version, host kind, folders in use and what the first start created', NoInput, AppInfoSchema),
  'app:model': defineInvoke('which model answers by default (the offline scripted model without a key or local server)', NoInput, ModelInfoSchema),
} as const

/** `config/tools/` was reloaded (the app watches it): the custom tools now offered and the files' problems. */
export const ToolsReloadedSchema = z.object({ tools: z.array(z.string()), problems: z.array(z.string()) })

export const appEvents = {
  'app:toolsReloaded': defineEvent('config/tools/ changed and was reloaded: custom tool names and load problems', ToolsReloadedSchema),
} as const

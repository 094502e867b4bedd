import { z } from 'zod'
import { defineInvoke, NoInput } from './define'
import { NAME_MAX_CHARS, URL_MAX_CHARS } from './limits'

/** Settings domain. API keys never cross back: only whether one is set and its last 4 characters. */

export const SettingsViewSchema = z.object({
  openaiApiKey: z.object({ set: z.boolean(), hint: z.string().nullable() }),
  /** OpenAI-compatible base URL (OpenAI, Ollama, LM Studio, …). */
  baseUrl: z.string(),
  defaultModel: z.string(),
  dedupPolicy: z.enum(['none', 'penalty', 'strict']),
  ledgerBackend: z.enum(['embedded', 'canton']),
  redisUrl: z.string(),
  /** Where keys go: OS keychain via safeStorage, or memory for this session only. */
  keyStorage: z.enum(['safeStorage', 'memory']),
  /** The file non-secret settings are saved in. */
  file: z.string(),
  /** Saved values differ from what the running engine uses: restart to apply. */
  restartRequired: z.boolean(),
})
export type SettingsView = z.infer<typeof SettingsViewSchema>

const Url = (what: string) => z.string().max(URL_MAX_CHARS, `a URL of at most ${URL_MAX_CHARS} characters`).trim().refine((s) => {
  try {
    const u = new URL(s)
    return what === 'redis' ? u.protocol === 'redis:' || u.protocol === 'rediss:' : u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}, what === 'redis' ? 'a URL such as "redis://127.0.0.1:6379"' : 'a URL such as "http://127.0.0.1:11434/v1"')

export const SettingsPatchSchema = z.object({
  /** A new key; null removes the stored one. */
  openaiApiKey: z.string().trim().min(1).max(500).nullable().optional(),
  baseUrl: Url('http').optional(),
  defaultModel: z.string().max(NAME_MAX_CHARS, `a model id of at most ${NAME_MAX_CHARS} characters`).trim().regex(/^[\w.-]+\/\S+$/, 'a "provider/model" id such as "openai/gpt-4o" or "ollama/llama3"').optional(),
  dedupPolicy: z.enum(['none', 'penalty', 'strict']).optional(),
  ledgerBackend: z.enum(['embedded', 'canton']).optional(),
  redisUrl: z.union([z.literal(''), Url('redis')]).optional(),
}).strict()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>

export const ConnectionTestSchema = z.object({
  target: z.enum(['model', 'redis']),
  url: z.string(),
  ok: z.boolean(),
  /** What happened, and how to fix it when it failed. */
  message: z.string(),
  ms: z.number(),
})
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>

export const settingsInvokes = {
  'settings:get': defineInvoke('saved settings (keys masked)', NoInput, SettingsViewSchema),
  'settings:set': defineInvoke('save settings; keys go to secure storage', SettingsPatchSchema, SettingsViewSchema),
  'settings:test': defineInvoke('test the model endpoint or Redis', z.object({ target: z.enum(['model', 'redis']), url: z.string().trim().max(2000).optional() }).strict(), ConnectionTestSchema),
} as const

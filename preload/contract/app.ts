import { z } from 'zod'
import { defineInvoke, NoInput } from './define'

/** App domain: facts about the running host. */

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** `electron` for the desktop window, `browser` for `p2engine ui`. */
  host: z.enum(['electron', 'browser']),
  /** P2ENGINE_HOME in use. */
  home: z.string(),
  configDir: z.string(),
  ledgerBackend: z.enum(['embedded', 'canton']),
})
export type AppInfo = z.infer<typeof AppInfoSchema>

export const appInvokes = {
  'app:info': defineInvoke('name, version, host kind and folders in use', NoInput, AppInfoSchema),
} as const

export const appEvents = {} as const

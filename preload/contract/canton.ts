import { z } from 'zod'
import { defineEvent, defineInvoke, NoInput } from './define'

/** Canton domain: the managed local Canton sandbox behind the ledger panel. */

export const SandboxPhaseSchema = z.enum(['stopped', 'starting', 'ready', 'restarting', 'stopping', 'failed'])

export const CantonStatusSchema = z.object({
  phase: SandboxPhaseSchema,
  /** Canton (or dpm) found on this machine; when false, `installHint` says what to install. */
  installed: z.boolean(),
  install: z.object({ kind: z.enum(['canton', 'dpm']), bin: z.string(), source: z.string() }).nullable(),
  installHint: z.string().nullable(),
  pid: z.number().int().nullable(),
  jsonApiUrl: z.string().nullable(),
  ports: z.record(z.string(), z.number().int()),
  restarts: z.number().int(),
  detail: z.string(),
  /** This host started it (and stops it when it quits); false for a sandbox started by `p2engine ledger canton start`. */
  owned: z.boolean(),
  /** The backend the running engine uses, and the one saved for the next start. */
  backend: z.enum(['embedded', 'canton']),
  savedBackend: z.enum(['embedded', 'canton']),
  logFile: z.string(),
})
export type CantonStatus = z.infer<typeof CantonStatusSchema>

export const CantonLogsSchema = z.object({ file: z.string(), lines: z.array(z.string()), exists: z.boolean() })
export type CantonLogs = z.infer<typeof CantonLogsSchema>

export const cantonInvokes = {
  'canton:status': defineInvoke('the managed sandbox: phase, ports, install state', NoInput, CantonStatusSchema),
  'canton:start': defineInvoke('start the managed sandbox (resolves when ready or failed)', NoInput, CantonStatusSchema),
  'canton:stop': defineInvoke('stop the managed sandbox and every process it started', NoInput, CantonStatusSchema),
  'canton:logs': defineInvoke('the last lines of $P2ENGINE_HOME/logs/canton.log', z.object({ lines: z.number().int().min(1).max(2000).optional() }).strict(), CantonLogsSchema),
} as const

export const cantonEvents = {
  'canton:statusChanged': defineEvent('the sandbox changed phase', CantonStatusSchema),
  'canton:logged': defineEvent('new lines appended to the sandbox log', z.object({ lines: z.array(z.string()) })),
} as const

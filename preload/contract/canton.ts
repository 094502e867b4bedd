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
  /** The release the Install button downloads (version, URL and the SHA-256 it must have). */
  pinned: z.object({ version: z.string(), url: z.string(), sha256: z.string() }),
})
export type CantonStatus = z.infer<typeof CantonStatusSchema>

export const CantonLogsSchema = z.object({ file: z.string(), lines: z.array(z.string()), exists: z.boolean() })
export type CantonLogs = z.infer<typeof CantonLogsSchema>

export const CantonInstallPhaseSchema = z.enum(['idle', 'downloading', 'verifying', 'unpacking', 'done', 'failed'])

/** A one-click install of a pinned open-source Canton release (download, SHA-256, unpack). */
export const CantonInstallStateSchema = z.object({
  phase: CantonInstallPhaseSchema,
  version: z.string().nullable(),
  url: z.string().nullable(),
  sha256: z.string().nullable(),
  received: z.number().int().nonnegative(),
  /** Bytes announced by the server; null when unknown. */
  total: z.number().int().nonnegative().nullable(),
  /** Where it was unpacked (done). */
  dir: z.string().nullable(),
  /** Java on this machine after the install: Canton needs `needed`+. */
  java: z.object({ major: z.number().int().nullable(), ok: z.boolean(), needed: z.number().int(), hint: z.array(z.string()) }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
})
export type CantonInstallState = z.infer<typeof CantonInstallStateSchema>

export const CantonInstallInputSchema = z.object({
  version: z.string().max(100).optional(),
  /** A mirror; the pinned digest still applies. */
  url: z.string().max(2000).optional(),
  sha256: z.string().max(64).optional(),
  force: z.boolean().optional(),
}).strict()

export const cantonInvokes = {
  'canton:status': defineInvoke('the managed sandbox: phase, ports, install state', NoInput, CantonStatusSchema),
  'canton:start': defineInvoke('start the managed sandbox (resolves when ready or failed)', NoInput, CantonStatusSchema),
  'canton:stop': defineInvoke('stop the managed sandbox and every process it started', NoInput, CantonStatusSchema),
  'canton:logs': defineInvoke('the last lines of $P2ENGINE_HOME/logs/canton.log', z.object({ lines: z.number().int().min(1).max(2000).optional() }).strict(), CantonLogsSchema),
  'canton:install': defineInvoke('start installing the pinned Canton release (returns at once; progress in canton:installProgress)', CantonInstallInputSchema, CantonInstallStateSchema),
  'canton:installStatus': defineInvoke('the current or last Canton install', NoInput, CantonInstallStateSchema),
} as const

export const cantonEvents = {
  'canton:statusChanged': defineEvent('the sandbox changed phase', CantonStatusSchema),
  'canton:logged': defineEvent('new lines appended to the sandbox log', z.object({ lines: z.array(z.string()) })),
  'canton:installProgress': defineEvent('the Canton install moved on (bytes or phase)', CantonInstallStateSchema),
} as const

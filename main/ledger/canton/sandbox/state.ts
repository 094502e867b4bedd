import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/** What a running managed sandbox leaves in `$P2ENGINE_HOME/canton/sandbox.json`. */
export const SandboxStateSchema = z.object({
  schemaVersion: z.literal(1),
  pid: z.number().int(),
  /** The process that started it; when `owned` and that process is gone, the sandbox is an orphan. */
  ownerPid: z.number().int(),
  lifetime: z.enum(['owned', 'daemon']),
  jsonApiUrl: z.string(),
  ports: z.record(z.string(), z.number().int()),
  darPath: z.string(),
  bin: z.string(),
  startedAt: z.string(),
  logFile: z.string(),
})
export type SandboxState = z.infer<typeof SandboxStateSchema>

export const sandboxDir = (home: string): string => join(home, 'canton')
export const stateFile = (home: string): string => join(sandboxDir(home), 'sandbox.json')
export const logFileOf = (home: string): string => join(home, 'logs', 'canton.log')

export function writeState(home: string, state: SandboxState): void {
  mkdirSync(sandboxDir(home), { recursive: true })
  const file = stateFile(home)
  writeFileSync(file + '.tmp', JSON.stringify(state, null, 2))
  renameSync(file + '.tmp', file) // atomic: readers never see half a file
}

/** The recorded state, or undefined when there is none (or it is unreadable). */
export function readState(home: string): SandboxState | undefined {
  const file = stateFile(home)
  if (!existsSync(file)) return undefined
  try {
    const r = SandboxStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return r.success ? r.data : undefined
  } catch {
    return undefined
  }
}

export function clearState(home: string): void {
  rmSync(stateFile(home), { force: true })
}

/** Whether a process id is alive (signal 0). */
export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}

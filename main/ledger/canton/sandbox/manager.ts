import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname } from 'node:path'
import { LedgerError } from '../../../engine/errors'
import type { Logger } from '../../../engine/ports/logger'
import { ensureLogDir, rotateIfLarger } from '../../../logging/files'
import { defaultSleep } from '../http'
import type { CantonInstall } from './discover'
import { clearState, isAlive, logFileOf, readState, writeState, type SandboxState } from './state'

/** The line Canton's sandbox bootstrap prints when it is ready. */
export const READY_LINE = 'Canton sandbox is ready.'

export type SandboxPhase = 'stopped' | 'starting' | 'ready' | 'restarting' | 'stopping' | 'failed'

/** Emitted as `status` on every phase change. */
export interface SandboxStatus {
  phase: SandboxPhase
  pid?: number
  jsonApiUrl?: string
  ports?: Record<string, number>
  restarts: number
  detail: string
}

export interface SandboxOptions {
  install: CantonInstall
  /** P2ENGINE_HOME: state in `canton/sandbox.json`, log in `logs/canton.log`. */
  home: string
  darPath: string
  env?: NodeJS.ProcessEnv
  /** `owned`: dies with this process (the app); `daemon`: outlives it (`p2engine ledger canton start`). */
  lifetime?: 'owned' | 'daemon'
  readyTimeoutMs?: number
  /** Restarts after an unexpected exit (owned lifetime only), with exponential backoff from `restartBaseMs`. */
  maxRestarts?: number
  restartBaseMs?: number
  /** Runs after each (re)start is ready: allocate the party, create wallets (Canton's storage is in memory). */
  onReady?: (state: SandboxState) => Promise<void>
  sleep?: (ms: number) => Promise<void>
  /** Where phase changes are logged (the host's `app.log`); the sandbox's own output goes to `logs/canton.log`. */
  logger?: Logger
  /** `canton.log` is rotated at each start when over `maxBytes` (default 10 MB), keeping `keep` (default 5) old files. */
  logRotation?: { maxBytes: number; keep: number }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

/** The command line for `canton sandbox` / `dpm sandbox` on the given ports. */
export function sandboxArgs(kind: CantonInstall['kind'], ports: Record<string, number>, darPath: string): string[] {
  const common = [
    '--admin-api-port', String(ports.admin), '--json-api-port', String(ports.jsonApi),
    '--sequencer-public-port', String(ports.sequencerPublic), '--sequencer-admin-port', String(ports.sequencerAdmin),
    '--mediator-admin-port', String(ports.mediatorAdmin), '--dar', darPath,
  ]
  return kind === 'dpm'
    ? ['sandbox', '--port', String(ports.ledgerApi), ...common]
    : ['sandbox', '--ledger-api-port', String(ports.ledgerApi), ...common]
}

/** Kills a detached sandbox's whole process group: TERM, then KILL after `graceMs`. */
export async function killGroup(pid: number, graceMs = 10_000, sleep = defaultSleep): Promise<void> {
  const signal = (s: NodeJS.Signals) => {
    try { process.kill(process.platform === 'win32' ? pid : -pid, s) } catch { /* already gone */ }
  }
  signal('SIGTERM')
  for (let waited = 0; waited < graceMs && isAlive(pid); waited += 50) await sleep(50)
  if (isAlive(pid)) signal('SIGKILL')
}

/**
 * Runs a Canton sandbox as a child process on free loopback ports: waits for `/readyz` and the
 * ready line, records its state, streams its output to `logs/canton.log`, restarts it with
 * backoff if it dies, and stops it (with its whole process group) cleanly. Status changes are
 * `status` events; the desktop panel listens to them.
 */
export class CantonSandbox extends EventEmitter<{ status: [SandboxStatus] }> {
  private child?: ChildProcess
  private state?: SandboxState
  private restarts = 0
  private stopping = false
  private current: SandboxStatus = { phase: 'stopped', restarts: 0, detail: 'not started' }
  private readonly exitHook = () => { if (this.child?.pid) try { process.kill(-this.child.pid, 'SIGKILL') } catch { /* gone */ } }

  constructor(private readonly options: SandboxOptions) {
    super()
  }

  status(): SandboxStatus {
    return this.current
  }

  private set(phase: SandboxPhase, detail: string): void {
    this.current = { phase, pid: this.child?.pid, jsonApiUrl: this.state?.jsonApiUrl, ports: this.state?.ports, restarts: this.restarts, detail }
    this.emit('status', this.current)
    const log = this.options.logger
    if (log) (phase === 'failed' ? log.error : phase === 'restarting' ? log.warn : log.info)(`canton sandbox ${phase}`, { pid: this.current.pid, detail, restarts: this.restarts })
  }

  /** Starts the sandbox and resolves when it is ready (and `onReady` ran). */
  async start(): Promise<SandboxState> {
    cleanupOrphan(this.options.home)
    const running = readState(this.options.home)
    if (running && isAlive(running.pid)) {
      throw new LedgerError(`a Canton sandbox is already running (pid ${running.pid}, ${running.jsonApiUrl}); stop it with \`p2engine ledger canton stop\``, 'SANDBOX_RUNNING')
    }
    this.stopping = false
    return this.launch()
  }

  private async launch(): Promise<SandboxState> {
    const o = this.options
    const ports: Record<string, number> = {}
    for (const name of ['ledgerApi', 'admin', 'jsonApi', 'sequencerPublic', 'sequencerAdmin', 'mediatorAdmin']) ports[name] = await freePort()
    const logFile = logFileOf(o.home)
    ensureLogDir(dirname(logFile))
    // The sandbox writes the file itself (it may outlive this process): rotate before it opens it.
    rotateIfLarger(logFile, o.logRotation?.maxBytes ?? 10 * 1024 * 1024, o.logRotation?.keep ?? 5)
    const logStart = fileSize(logFile)
    const fd = openSync(logFile, 'a', 0o600)
    writeSync(fd, `\n--- ${new Date().toISOString()} starting ${o.install.bin} (in-memory storage: state is re-created on every start)\n`)
    const lifetime = o.lifetime ?? 'owned'
    const child = spawn(o.install.bin, sandboxArgs(o.install.kind, ports, o.darPath), {
      env: o.env ?? process.env, detached: true, stdio: ['ignore', fd, fd],
    })
    closeSync(fd)
    this.child = child
    const state: SandboxState = {
      schemaVersion: 1, pid: child.pid ?? -1, ownerPid: process.pid, lifetime, jsonApiUrl: `http://127.0.0.1:${ports.jsonApi}`,
      ports, darPath: o.darPath, bin: o.install.bin, startedAt: new Date().toISOString(), logFile,
    }
    this.state = state
    let exited: string | undefined
    child.once('error', (err) => { exited = err.message })
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`
      void this.onExit(child, exited)
    })
    if (lifetime === 'owned') process.once('exit', this.exitHook)
    else child.unref()
    this.set('starting', `starting ${o.install.kind} sandbox (pid ${child.pid})`)
    try {
      await this.waitReady(state, logStart, () => exited)
      writeState(o.home, state)
      await o.onReady?.(state)
    } catch (err) {
      await this.kill()
      clearState(o.home)
      const message = err instanceof Error ? err.message : String(err)
      this.set('failed', message)
      throw err instanceof LedgerError ? err : new LedgerError(message, 'SANDBOX_START')
    }
    this.set('ready', `ready at ${state.jsonApiUrl}`)
    return state
  }

  private async waitReady(state: SandboxState, logStart: number, exited: () => string | undefined): Promise<void> {
    const sleep = this.options.sleep ?? defaultSleep
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 180_000)
    let lineSeen = false
    while (Date.now() < deadline) {
      const why = exited()
      if (why) throw new LedgerError(`the Canton sandbox ${why} before it was ready; see ${state.logFile}`, 'SANDBOX_START')
      lineSeen ||= readFrom(state.logFile, logStart).includes(READY_LINE)
      if (lineSeen && (await readyz(state.jsonApiUrl))) return
      await sleep(200)
    }
    throw new LedgerError(`the Canton sandbox was not ready after ${Math.round((this.options.readyTimeoutMs ?? 180_000) / 1000)} s; see ${state.logFile}`, 'SANDBOX_TIMEOUT')
  }

  private async onExit(child: ChildProcess, why: string): Promise<void> {
    process.removeListener('exit', this.exitHook)
    if (child !== this.child || this.stopping || this.current.phase !== 'ready') return
    clearState(this.options.home)
    const max = this.options.maxRestarts ?? 5
    if ((this.options.lifetime ?? 'owned') === 'daemon' || this.restarts >= max) {
      this.set('failed', `the Canton sandbox ${why}; ${this.restarts >= max ? `gave up after ${max} restarts` : 'not supervised'}`)
      return
    }
    this.restarts++
    const delay = (this.options.restartBaseMs ?? 1000) * 2 ** (this.restarts - 1)
    this.set('restarting', `the Canton sandbox ${why}; restart ${this.restarts}/${max} in ${delay} ms`)
    await (this.options.sleep ?? defaultSleep)(delay)
    if (this.stopping) return
    await this.launch().catch(() => undefined) // launch reports 'failed' itself
  }

  private async kill(): Promise<void> {
    const pid = this.child?.pid
    if (pid && this.child!.exitCode === null && this.child!.signalCode === null) await killGroup(pid, 10_000, this.options.sleep)
    process.removeListener('exit', this.exitHook)
  }

  /** Stops the sandbox and every process it started. */
  async stop(): Promise<void> {
    this.stopping = true
    this.set('stopping', 'stopping')
    await this.kill()
    clearState(this.options.home)
    this.child = undefined
    this.state = undefined
    this.set('stopped', 'stopped')
  }
}

/** Stops the sandbox recorded in the state file (from another process, e.g. `ledger canton stop`). */
export async function stopRecordedSandbox(home: string): Promise<SandboxState | undefined> {
  const s = readState(home)
  if (!s) return undefined
  if (isAlive(s.pid)) await killGroup(s.pid)
  clearState(home)
  return s
}

/** Kills a sandbox whose owning process died (the app crashed) and forgets stale state. */
export function cleanupOrphan(home: string): void {
  const s = readState(home)
  if (!s) return
  if (!isAlive(s.pid)) return clearState(home)
  if (s.lifetime === 'owned' && !isAlive(s.ownerPid)) {
    try { process.kill(-s.pid, 'SIGKILL') } catch { /* gone */ }
    clearState(home)
  }
}

/** GET /readyz answers 200. */
export async function readyz(jsonApiUrl: string): Promise<boolean> {
  try {
    const r = await fetch(`${jsonApiUrl}/readyz`, { signal: AbortSignal.timeout(2000) })
    await r.body?.cancel()
    return r.ok
  } catch {
    return false
  }
}

function fileSize(file: string): number {
  try { return statSync(file).size } catch { return 0 }
}

function readFrom(file: string, offset: number): string {
  try { return readFileSync(file).subarray(offset).toString('utf8') } catch { return '' }
}

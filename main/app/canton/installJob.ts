import type { CantonInstallState } from '../../../preload/contract'
import { AppError, messageOf } from '../../engine/errors'
import { installCanton, type InstallProgress } from '../../ledger/canton/install/installer'
import { resolveTarget } from '../../ledger/canton/install/pins'
import { JAVA_INSTALL_LINES } from '../../ledger/canton/sandbox/discover'

export interface InstallJobOptions {
  home: string
  env?: NodeJS.ProcessEnv
  /** Called on every phase change and at most every `throttleMs` while downloading. */
  onProgress?: (s: CantonInstallState) => void
  throttleMs?: number
  fetch?: typeof globalThis.fetch
}

const IDLE: CantonInstallState = { phase: 'idle', version: null, url: null, sha256: null, received: 0, total: null, dir: null, java: null, error: null }
const PHASE: Record<InstallProgress['phase'], CantonInstallState['phase']> = { download: 'downloading', verify: 'verifying', unpack: 'unpacking', done: 'done' }

/**
 * The app's one-click Canton install: one at a time, in the background, with its state kept for
 * polling (`canton:installStatus`) and pushed as progress events.
 */
export class CantonInstallJob {
  private state: CantonInstallState = IDLE
  private running?: Promise<void>
  private abort?: AbortController
  private last = 0

  constructor(private readonly o: InstallJobOptions) {}

  status(): CantonInstallState {
    return this.state
  }

  /** Resolves once the install is done or failed (tests; the UI polls or listens instead). */
  whenIdle(): Promise<void> {
    return this.running ?? Promise.resolve()
  }

  /** Starts an install (bad options throw at once); returns the state right after starting. */
  start(input: { version?: string; url?: string; sha256?: string; force?: boolean }): CantonInstallState {
    if (this.running) return this.state
    const target = resolveTarget(input)
    this.set({ ...IDLE, phase: 'downloading', version: target.version, url: target.url, sha256: target.sha256 }, true)
    this.abort = new AbortController()
    this.running = installCanton({
      home: this.o.home, target, force: input.force, env: this.o.env, fetch: this.o.fetch, signal: this.abort.signal,
      onProgress: (p) => this.set({ ...this.state, phase: PHASE[p.phase], ...(p.phase === 'download' ? { received: p.received, total: p.total ?? null } : {}) }, p.phase !== 'download'),
    }).then(
      (r) => this.set({ ...this.state, phase: 'done', dir: r.dir, java: { ...r.java, hint: r.java.ok ? [] : JAVA_INSTALL_LINES } }, true),
      (err) => this.set({ ...this.state, phase: 'failed', error: { code: err instanceof AppError ? err.code : 'CANTON_INSTALL', message: messageOf(err) } }, true),
    ).finally(() => { this.running = undefined })
    return this.state
  }

  /** Cancels a running install (the app quits) and waits until its temp folder is gone. */
  async cancel(): Promise<void> {
    this.abort?.abort()
    await this.whenIdle()
  }

  private set(next: CantonInstallState, force: boolean): void {
    this.state = next
    const now = Date.now()
    if (!force && now - this.last < (this.o.throttleMs ?? 250)) return
    this.last = now
    this.o.onProgress?.(next)
  }
}

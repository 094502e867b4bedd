import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { walletAgents } from '../../engine/ledger/walletAgents'
import { basename, dirname } from 'node:path'
import type { CantonInstallState, CantonLogs, CantonStatus } from '../../../preload/contract'
import type { LoadedConfig } from '../../engine/config/types'
import { LedgerError, messageOf } from '../../engine/errors'
import { findDar, missingDarMessage } from '../../ledger/canton/dar'
import { cantonLedgerFromSettings } from '../../ledger/canton/fromSettings'
import { CANTON_PINS } from '../../ledger/canton/install/pins'
import { discoverCanton, installHint, javaMajorVersion, type DiscoverPlaces } from '../../ledger/canton/sandbox/discover'
import { CantonSandbox, cleanupOrphan, readyz, stopRecordedSandbox, type SandboxOptions, type SandboxStatus } from '../../ledger/canton/sandbox/manager'
import { isAlive, logFileOf, readState, type SandboxState } from '../../ledger/canton/sandbox/state'
import { CantonInstallJob } from './installJob'


export interface CantonServiceOptions {
  /** The config the running engine was built from. */
  config: LoadedConfig
  env?: NodeJS.ProcessEnv
  /** The backend saved for the next start (Settings). */
  savedBackend?: () => 'embedded' | 'canton'
  /** Folders searched for the built DAR (besides P2ENGINE_DAR). */
  darRoots?: string[]
  onStatus?: (status: CantonStatus) => void
  onLog?: (lines: string[]) => void
  /** Progress of the one-click install (`canton:installProgress`). */
  onInstallProgress?: (state: CantonInstallState) => void
  /** The packaged app's resources folder: a bundled Canton (`canton/`) and DAR (`dar/`). */
  resourcesPath?: string
  /** For tests: the fetch the installer downloads with. */
  installFetch?: typeof globalThis.fetch
  /** Called when the owned sandbox is ready at a (new) JSON API URL: rebind the ledger. */
  onReady?: (state: SandboxState) => Promise<void>
  /** Logging of the sandbox's phases and rotation of `canton.log` (the host's log settings). */
  sandboxLog?: Pick<SandboxOptions, 'logger' | 'logRotation'>
}

/**
 * The ledger panel's backend: discovers Canton, starts and stops the sandbox this app owns (it is
 * stopped with the app), reports its phases and tails its log. A sandbox started elsewhere
 * (`p2engine ledger canton start`) is shown and can be stopped too.
 */
export class CantonService {
  private sandbox?: CantonSandbox
  private watcher?: FSWatcher
  private logOffset = 0
  private pending?: NodeJS.Timeout
  /** The one-click install of the pinned release. */
  readonly installer: CantonInstallJob

  constructor(private readonly o: CantonServiceOptions) {
    this.installer = new CantonInstallJob({
      home: o.config.settings.home, env: o.env, fetch: o.installFetch,
      onProgress: (st) => {
        o.onInstallProgress?.(st)
        if (st.phase === 'done') void this.status().then((s) => o.onStatus?.(s)) // now installed: the panel shows Start
      },
    })
  }

  /** Where Canton is looked for besides the environment: installed releases and the app bundle. */
  private get places(): DiscoverPlaces {
    return { home: this.home, resourcesPath: this.o.resourcesPath }
  }

  private get home(): string {
    return this.o.config.settings.home
  }

  private get env(): NodeJS.ProcessEnv {
    return this.o.env ?? process.env
  }

  async status(): Promise<CantonStatus> {
    if (this.sandbox && this.sandbox.status().phase !== 'stopped') return this.view(this.sandbox.status(), true)
    cleanupOrphan(this.home)
    const s = readState(this.home)
    if (s && isAlive(s.pid)) {
      const ready = await readyz(s.jsonApiUrl)
      return this.view({ phase: ready ? 'ready' : 'starting', pid: s.pid, jsonApiUrl: s.jsonApiUrl, ports: s.ports, restarts: 0, detail: `started outside this app (${s.lifetime}) at ${s.startedAt}` }, false)
    }
    return this.view(this.sandbox?.status() ?? { phase: 'stopped', restarts: 0, detail: 'not started' }, false)
  }

  /** Starts the owned sandbox; resolves with its status when ready. */
  async start(): Promise<CantonStatus> {
    const current = await this.status()
    if (['ready', 'starting', 'restarting'].includes(current.phase)) return current
    const env = this.env
    const install = discoverCanton(env, this.places)
    if (!install) throw new LedgerError(installHint('canton'), 'CANTON_NOT_FOUND')
    if (install.kind === 'canton' && env.P2ENGINE_SKIP_JAVA_CHECK !== '1') {
      const java = javaMajorVersion(env)
      if (!java || java < 17) throw new LedgerError(installHint('java', java), 'JAVA_NOT_FOUND')
    }
    const roots = this.o.darRoots ?? [process.cwd()]
    const darPath = findDar(roots, env, this.o.resourcesPath)
    if (!darPath) throw new LedgerError(missingDarMessage(roots), 'DAR_NOT_FOUND')
    const { settings } = this.o.config
    const agents = walletAgents(this.o.config.agents)
    const sandbox = new CantonSandbox({
      install, home: this.home, darPath, env, lifetime: 'owned', ...this.o.sandboxLog,
      onReady: async (state) => {
        const client = cantonLedgerFromSettings(settings, env, state.jsonApiUrl)
        try {
          for (const agent of agents) await client.createWallet({ agent, initialBalance: settings.ledger.initialBalance, commandId: `init:${agent}` })
        } finally {
          await client.close()
        }
        await this.o.onReady?.(state)
      },
    })
    sandbox.on('status', (st) => this.o.onStatus?.(this.view(st, true)))
    this.sandbox = sandbox
    this.watchLog()
    await sandbox.start()
    return this.status()
  }

  /** Stops the owned sandbox, or one recorded by another process. */
  async stop(): Promise<CantonStatus> {
    if (this.sandbox && this.sandbox.status().phase !== 'stopped') await this.sandbox.stop()
    else {
      const s = await stopRecordedSandbox(this.home)
      if (s) this.o.onStatus?.(this.view({ phase: 'stopped', restarts: 0, detail: `stopped (pid ${s.pid})` }, false))
    }
    return this.status()
  }

  /** The last `n` lines of the sandbox log. */
  async logs(n = 200): Promise<CantonLogs> {
    const file = logFileOf(this.home)
    if (!existsSync(file)) return { file, lines: [], exists: false }
    const text = await readFile(file, 'utf8')
    return { file, lines: text.replace(/\n$/, '').split('\n').slice(-n), exists: true }
  }

  /** Stops the owned sandbox (the app quits), a running install and the log watcher. */
  async close(): Promise<void> {
    await this.installer.cancel()
    this.watcher?.close()
    this.watcher = undefined
    clearTimeout(this.pending)
    if (this.sandbox && this.sandbox.status().phase !== 'stopped') await this.sandbox.stop()
  }

  private view(st: SandboxStatus, owned: boolean): CantonStatus {
    const install = discoverCanton(this.env, this.places)
    const pin = CANTON_PINS[0]!
    return {
      phase: st.phase,
      installed: Boolean(install),
      install: install ? { kind: install.kind, bin: install.bin, source: install.source } : null,
      installHint: install ? null : installHint('canton'),
      pid: st.pid ?? null,
      jsonApiUrl: st.jsonApiUrl ?? null,
      ports: st.ports ?? {},
      restarts: st.restarts,
      detail: st.detail,
      owned,
      backend: this.o.config.settings.ledger.backend === 'canton' ? 'canton' : 'embedded',
      savedBackend: this.o.savedBackend?.() ?? (this.o.config.settings.ledger.backend === 'canton' ? 'canton' : 'embedded'),
      logFile: logFileOf(this.home),
      pinned: { version: pin.version, url: pin.url, sha256: pin.sha256 },
    }
  }

  /** Publishes lines appended to the log (fs.watch on its folder; batched). */
  private watchLog(): void {
    if (this.watcher || !this.o.onLog) return
    const file = logFileOf(this.home)
    mkdirSync(dirname(file), { recursive: true })
    this.logOffset = size(file)
    try {
      this.watcher = watch(dirname(file), (_e, name) => {
        if (name && name !== basename(file)) return
        this.pending ??= setTimeout(() => {
          this.pending = undefined
          this.flushLog(file)
        }, 100)
      })
      this.watcher.on('error', () => undefined)
    } catch (err) {
      this.o.onLog?.([`(live log unavailable: ${messageOf(err)})`])
    }
  }

  private flushLog(file: string): void {
    const end = size(file)
    if (end < this.logOffset) this.logOffset = 0
    if (end === this.logOffset) return
    const length = Math.min(end - this.logOffset, 256 * 1024)
    const buf = Buffer.alloc(length)
    const fd = openSync(file, 'r')
    try {
      readSync(fd, buf, 0, length, end - length)
    } finally {
      closeSync(fd)
    }
    this.logOffset = end
    const lines = buf.toString('utf8').split('\n').filter((l) => l.length > 0)
    if (lines.length) this.o.onLog?.(lines.slice(-500))
  }
}

function size(file: string): number {
  try { return statSync(file).size } catch { return 0 }
}

import { create } from 'zustand'
import type { CantonInstallState, CantonStatus } from '../../../../preload/contract'
import { ClientError, getClient } from '../../shared/client'

const MAX_LINES = 300

export interface CantonState {
  status: CantonStatus | null
  lines: string[]
  busy: 'start' | 'stop' | 'backend' | null
  error: { code: string; message: string } | null
  /** Backend saved for the next start differs from the running one. */
  restartNote: boolean
  /** The one-click install (null until the first status poll). */
  install: CantonInstallState | null
  /** Starts installing the pinned release (optionally from a mirror / with another digest). */
  startInstall(o?: { url?: string; sha256?: string }): Promise<void>
  load(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
  setBackend(backend: 'embedded' | 'canton'): Promise<void>
}

const toError = (err: unknown) => (err instanceof ClientError ? { code: err.code, message: err.message } : { code: 'UNEXPECTED', message: String(err) })

/** The ledger panel: sandbox status (from `canton:statusChanged`), log tail (from `canton:logged`). */
export const useCantonStore = create<CantonState>()((set, get) => ({
  status: null,
  lines: [],
  busy: null,
  error: null,
  restartNote: false,
  install: null,

  async startInstall(o = {}) {
    set({ error: null })
    try {
      const input = { ...(o.url ? { url: o.url } : {}), ...(o.sha256 ? { sha256: o.sha256 } : {}) }
      set({ install: await getClient().invoke('canton:install', input) })
    } catch (err) {
      set({ error: toError(err) })
    }
  },

  async load() {
    try {
      const [status, logs, install] = await Promise.all([getClient().invoke('canton:status', {}), getClient().invoke('canton:logs', { lines: 200 }), getClient().invoke('canton:installStatus', {})])
      set({ status, lines: logs.lines, install, restartNote: status.backend !== status.savedBackend })
    } catch (err) {
      set({ error: toError(err) })
    }
  },

  async start() {
    set({ busy: 'start', error: null })
    try {
      const status = await getClient().invoke('canton:start', {})
      set({ status })
    } catch (err) {
      set({ error: toError(err) })
    } finally {
      set({ busy: null })
      void get().load()
    }
  },

  async stop() {
    set({ busy: 'stop', error: null })
    try {
      set({ status: await getClient().invoke('canton:stop', {}) })
    } catch (err) {
      set({ error: toError(err) })
    } finally {
      set({ busy: null })
    }
  },

  async setBackend(backend) {
    set({ busy: 'backend', error: null })
    try {
      await getClient().invoke('settings:set', { ledgerBackend: backend })
      await get().load()
    } catch (err) {
      set({ error: toError(err) })
    } finally {
      set({ busy: null })
    }
  },
}))

/** Live status and log lines; returns the unsubscribe. */
export function startCantonLiveUpdates(): () => void {
  const c = getClient()
  const offStatus = c.on('canton:statusChanged', (status) => useCantonStore.setState({ status, restartNote: status.backend !== status.savedBackend }))
  const offLog = c.on('canton:logged', ({ lines }) => useCantonStore.setState((s) => ({ lines: [...s.lines, ...lines].slice(-MAX_LINES) })))
  const offInstall = c.on('canton:installProgress', (install) => {
    useCantonStore.setState({ install })
    if (install.phase === 'done') void useCantonStore.getState().load()
  })
  return () => {
    offStatus()
    offLog()
    offInstall()
  }
}

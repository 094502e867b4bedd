import { create } from 'zustand'
import type { AppInfo, ModelInfo } from '../../../preload/contract'
import { getClient, type ConnectionState } from './client'

export interface HostState {
  /** The link to the host (the WebSocket of `p2engine ui`; IPC is always open). */
  connection: ConnectionState
  /** Bumped on every reconnect, so screens can re-read what they show. */
  epoch: number
  info: AppInfo | null
  model: ModelInfo | null
  /** Reads `app:info` and `app:model` again (at start, after a reconnect, after saving settings). */
  load(): Promise<void>
}

/** Facts about the host every screen may show: connection, version, first start, the answering model. */
export const useHostStore = create<HostState>()((set) => ({
  connection: 'connecting',
  epoch: 0,
  info: null,
  model: null,
  async load() {
    const client = getClient()
    // Each shows as soon as it arrives (resolving the model may probe a local server).
    await Promise.allSettled([
      client.invoke('app:info', {}).then((info) => set({ info })),
      client.invoke('app:model', {}).then((model) => set({ model })),
    ])
  },
}))

/** Follows the client's connection; a reconnect re-reads the host facts. Returns the unsubscribe. */
export function startHostUpdates(): () => void {
  let wasClosed = false
  const off = getClient().onConnection((connection) => {
    const reconnected = connection === 'open' && wasClosed
    if (connection === 'closed') wasClosed = true
    if (connection === 'open') wasClosed = false
    useHostStore.setState((s) => ({ connection, epoch: reconnected ? s.epoch + 1 : s.epoch }))
    if (reconnected) void useHostStore.getState().load()
  })
  // A reloaded config/tools/ may add or clear tool-file problems in the configuration notice.
  const offTools = getClient().on('app:toolsReloaded', () => void useHostStore.getState().load())
  void useHostStore.getState().load()
  return () => {
    off()
    offTools()
  }
}

/** True while the host cannot be reached: screens show what they last had, marked stale. */
export const selectDisconnected = (s: HostState): boolean => s.connection === 'closed'

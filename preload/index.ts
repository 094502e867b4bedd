import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { BRIDGE_KEY, EVENT_CHANNEL } from './contract/channels'
import type { Bridge, EventName } from './contract'

/**
 * The single bridge the renderer sees as `window.p2engine`: a typed `invoke` and an `on` that
 * returns its unsubscribe. The renderer never holds `ipcRenderer`; main validates every input
 * and checks the sender, so nothing here trusts the caller. Imports only `electron` at runtime.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, message: { name?: unknown; payload?: unknown }) => {
  if (typeof message?.name !== 'string') return
  for (const cb of listeners.get(message.name) ?? []) cb(message.payload)
})

const bridge: Bridge = {
  invoke: (channel, input) => ipcRenderer.invoke(String(channel), input),
  on: (event: EventName, cb) => {
    if (typeof cb !== 'function') throw new TypeError('p2engine.on needs a callback')
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    const wrapped = (payload: unknown) => (cb as (p: unknown) => void)(payload)
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
    }
  },
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, Object.freeze(bridge))

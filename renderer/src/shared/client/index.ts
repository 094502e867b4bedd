import { BRIDGE_KEY, type Bridge } from '../../../../preload/contract'
import { createIpcClient } from './ipcTransport'
import type { Client } from './types'
import { createWsClient, hostSocketUrl } from './wsTransport'

export { ClientError, type Client, type ConnectionState } from './types'

let client: Client | undefined

/**
 * The app's one client, picked once at start: the preload bridge inside Electron, the WebSocket
 * back to `p2engine ui` in a plain browser.
 */
export function getClient(): Client {
  if (client) return client
  const bridge = (window as unknown as Record<string, Bridge | undefined>)[BRIDGE_KEY]
  client = bridge ? createIpcClient(bridge) : createWsClient(hostSocketUrl(window.location, safeSessionStorage()))
  return client
}

/** Replaces the client (tests and stories). */
export function setClient(next: Client): void {
  client = next
}

function safeSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage
  } catch {
    return undefined
  }
}

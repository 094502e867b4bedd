/**
 * Constants the preload needs at runtime. Kept free of imports so the preload bundle carries no
 * zod (a sandboxed preload may only `require('electron')`).
 */

/** The Electron channel that carries every pushed event as `{ name, payload }`. */
export const EVENT_CHANNEL = 'p2engine:event'

/** Name of the bridge on `window`. */
export const BRIDGE_KEY = 'p2engine'

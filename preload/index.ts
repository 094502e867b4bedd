import { contextBridge } from 'electron'

/** The single bridge object the renderer sees. The typed contract arrives with the desktop app. */
contextBridge.exposeInMainWorld('p2engine', { version: '0.1.0' })

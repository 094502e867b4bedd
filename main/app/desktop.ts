import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron'
import { electronFileDialogs } from './fileDialogs'
import { messageOf } from '../engine/errors'
import { serveContract } from '../ipc/handlers'
import { bootstrap, type AppRuntime } from './bootstrap'
import { pickVault } from './settings/vault'
import { startTelemetry } from '../telemetry/otel'
import { ElectronIpcTransport, forwardEvents } from './electronTransport'
import { hardenSession, hardenWebContents, isTrustedSender, secureWebPreferences } from './security'

export interface DesktopOptions {
  /** Builds the runtime once the app is ready (tests inject one over an in-memory store). */
  createRuntime?: () => AppRuntime
  /** Folder of the built main bundle; `out/main` in a build. */
  mainDir?: string
  env?: NodeJS.ProcessEnv
}

export interface DesktopHandle {
  window: BrowserWindow
  transport: ElectronIpcTransport
  runtime: AppRuntime
  /** Closes the window's IPC, the ledger and the store. */
  shutdown(): Promise<void>
}

/**
 * Picks the preload bundle: a CommonJS one (`index.cjs`) runs sandboxed; the ESM one electron-vite
 * emits for a `"type": "module"` package (`index.mjs`) needs `sandbox: false`.
 */
export function preloadTarget(mainDir: string, exists: (p: string) => boolean = existsSync): { path: string; sandbox: boolean } {
  const cjs = join(mainDir, '../preload/index.cjs')
  return exists(cjs) ? { path: cjs, sandbox: true } : { path: join(mainDir, '../preload/index.mjs'), sandbox: false }
}

/**
 * Electron glue: single-instance lock, hardened session and window, IPC registered by walking the
 * contract, events forwarded to the window, graceful shutdown on quit. Resolves to null when
 * another instance already runs.
 */
export async function startDesktopApp(options: DesktopOptions = {}): Promise<DesktopHandle | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  const env = options.env ?? process.env
  // Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed at quit.
  const telemetry = await startTelemetry('desktop', env)
  const mainDir = options.mainDir ?? import.meta.dirname
  const rendererFile = join(mainDir, '../renderer/index.html')
  const devUrl = app.isPackaged ? undefined : env.ELECTRON_RENDERER_URL
  const trusted = { fileUrl: pathToFileURL(rendererFile).href, devOrigin: devUrl }

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url)))
  await app.whenReady()
  hardenSession(session.defaultSession)

  let runtime: AppRuntime
  try {
    runtime = (options.createRuntime ?? (() => bootstrap({
      host: 'electron',
      env,
      // API keys: encrypted with the OS keychain into secrets.bin, never a plain file.
      vault: (home) => pickVault(safeStorage, join(home, 'secrets.bin')),
      configDir: env.P2ENGINE_CONFIG_DIR ?? join(app.isPackaged ? process.resourcesPath : app.getAppPath(), 'config'),
      // The built Daml model may ship next to the app.
      darRoots: [app.isPackaged ? process.resourcesPath : app.getAppPath()],
    })))()
  } catch (err) {
    // A bad config or an unopenable database: say what happened instead of a blank window.
    dialog.showErrorBox('P2Engine cannot start', messageOf(err))
    app.quit()
    return null
  }

  // Bundles: Export/Import use the native save/open dialogs behind `bundles:choosePath`.
  runtime.services.fileDialogs ??= electronFileDialogs(dialog, () => BrowserWindow.getAllWindows()[0])
  const transport = new ElectronIpcTransport(ipcMain, (url) => isTrustedSender(url, trusted))
  serveContract(runtime.services, runtime.bus, transport)

  const preload = preloadTarget(mainDir)
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'P2Engine',
    show: false,
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(preload.path, preload.sandbox),
  })
  window.once('ready-to-show', () => window.show())
  const stopEvents = forwardEvents(runtime.bus, () => BrowserWindow.getAllWindows().map((w) => w.webContents))

  let shutdownPromise: Promise<void> | undefined
  const shutdown = (): Promise<void> => {
    shutdownPromise ??= (async () => {
      stopEvents()
      transport.dispose()
      await runtime.close()
      await telemetry?.shutdown()
    })()
    return shutdownPromise
  }

  app.on('second-instance', () => {
    if (window.isDestroyed()) return
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (event) => {
    if (shutdownPromise) return
    // Hold the quit until the store is closed cleanly, then quit for real.
    event.preventDefault()
    void shutdown().finally(() => app.quit())
  })

  if (devUrl) await window.loadURL(devUrl)
  else await window.loadFile(rendererFile)
  return { window, transport, runtime, shutdown }
}

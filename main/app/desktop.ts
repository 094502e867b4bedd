import { join } from 'node:path'
import { app, BrowserWindow, shell } from 'electron'

/** Opens the main window with the Electron security checklist applied. */
export function startDesktopApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  const create = (): BrowserWindow => {
    const win = new BrowserWindow({
      width: 1280,
      height: 820,
      title: 'P2Engine',
      webPreferences: {
        preload: join(import.meta.dirname, '../preload/index.mjs'),
        contextIsolation: true,
        nodeIntegration: false,
        sandbox: false, // an ESM preload needs it; the preload exposes only the typed bridge
      },
    })
    win.webContents.setWindowOpenHandler(({ url }) => {
      if (/^https?:/.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
    win.webContents.on('will-navigate', (event) => event.preventDefault())
    void win.loadFile(join(import.meta.dirname, '../renderer/index.html'))
    return win
  }
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
  app.on('window-all-closed', () => app.quit())
  void app.whenReady().then(create)
}

import type { BrowserWindow, Dialog } from 'electron'
import type { FileDialogs } from '../ipc/services'

/** Electron's native save/open dialogs (attached to the app window when there is one) for `bundles:choosePath`. */
export function electronFileDialogs(dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>, parent: () => BrowserWindow | undefined): FileDialogs {
  const filters = (extensions: string[]) => [{ name: 'P2Engine bundle', extensions }, { name: 'All files', extensions: ['*'] }]
  return {
    async save(o) {
      const opts = { title: o.title, defaultPath: o.defaultName, filters: filters(o.extensions) }
      const w = parent()
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts)
      return r.canceled || !r.filePath ? null : r.filePath
    },
    async open(o) {
      const opts = { title: o.title, properties: ['openFile' as const], filters: filters(o.extensions) }
      const w = parent()
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    },
  }
}

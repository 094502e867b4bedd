import { BUNDLE_CHUNK_CHARS, type InvokeInput } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** Raw bytes per upload chunk: their base64 fits one contract chunk. */
const RAW_CHUNK = (BUNDLE_CHUNK_CHARS / 4) * 3

export type ExportSelection = Omit<InvokeInput<'bundles:export'>, 'path'>
/** A bundle to inspect or import: an upload (browser, drops) or a local path (desktop dialogs). */
export type BundleSource = { uploadId: string } | { path: string }
export type Progress = (done: number, total: number) => void

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

/** The bundles feature's calls: bytes move in base64 chunks over the one client (IPC or WebSocket). */
export const bundlesApi = {
  /** Exports `sel` and downloads it in chunks; resolves to the file's name and bytes. */
  async exportBundle(sel: ExportSelection, onProgress?: Progress): Promise<{ fileName: string; blob: Blob }> {
    const client = getClient()
    const r = await client.invoke('bundles:export', sel)
    const parts: Uint8Array<ArrayBuffer>[] = []
    for (let offset = 0, done = false; !done && r.downloadId;) {
      const c = await client.invoke('bundles:download', { downloadId: r.downloadId, offset })
      parts.push(fromBase64(c.dataBase64))
      ;[offset, done] = [c.next, c.done]
      onProgress?.(c.next, c.bytes)
    }
    return { fileName: r.fileName, blob: new Blob(parts, { type: 'application/zip' }) }
  },
  /** Uploads a chosen or dropped file in chunks; resolves to the upload id for inspect/import. */
  async upload(file: File, onProgress?: Progress): Promise<string> {
    const client = getClient()
    let uploadId: string | undefined
    if (file.size === 0) return (await client.invoke('bundles:upload', { fileName: file.name, dataBase64: '' })).uploadId
    for (let offset = 0; offset < file.size; offset += RAW_CHUNK) {
      const chunk = new Uint8Array(await file.slice(offset, offset + RAW_CHUNK).arrayBuffer())
      const r = await client.invoke('bundles:upload', { ...(uploadId ? { uploadId } : { fileName: file.name }), dataBase64: toBase64(chunk) })
      uploadId = r.uploadId
      onProgress?.(Math.min(file.size, offset + RAW_CHUNK), file.size)
    }
    return uploadId!
  },
  inspect: (source: BundleSource) => getClient().invoke('bundles:inspect', source),
  /** Imports an upload or (desktop) a path; `bundles:progressed` events with `requestId` report the phases. */
  async importBundle(source: BundleSource, onProgress?: (phase: string, done: number, total: number) => void) {
    const requestId = `imp_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
    const off = getClient().on('bundles:progressed', (p) => p.requestId === requestId && onProgress?.(p.phase, p.done, p.total))
    try {
      return await getClient().invoke('bundles:import', { ...source, requestId })
    } finally {
      off()
    }
  },
  /** True in the desktop app: export and import use the native save/open dialogs and file paths. */
  nativeDialogs: () => getClient().transport === 'ipc',
  /** The native save dialog, then the export written there; null when cancelled. */
  async exportToChosenFile(sel: ExportSelection, defaultName: string): Promise<string | null> {
    const { path } = await getClient().invoke('bundles:choosePath', { mode: 'save', defaultName })
    if (!path) return null
    return (await getClient().invoke('bundles:export', { ...sel, path })).file
  },
  /** The native open dialog; the chosen path or null. */
  chooseBundleToOpen: async (): Promise<string | null> => (await getClient().invoke('bundles:choosePath', { mode: 'open' })).path,
  origin: (kind: 'conversation' | 'rollout', id: string) => getClient().invoke('bundles:origin', { kind, id }),
}

/** Saves a blob as a download (the browser's download; Electron's default download handling). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

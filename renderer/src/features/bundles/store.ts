import { create } from 'zustand'
import type { InvokeOutput } from '../../../../preload/contract'
import { useHostStore } from '../../shared/host'
import { bundlesApi, type BundleSource } from './api'

export type Preview = InvokeOutput<'bundles:inspect'>
export type ImportResult = InvokeOutput<'bundles:import'>

export interface ImportState {
  /** closed; reading (upload + verify); preview (waiting for the user); importing; done; error. */
  phase: 'closed' | 'reading' | 'preview' | 'importing' | 'done' | 'error'
  fileName: string | null
  /** Progress of the current phase, 0..1, and what it is. */
  progress: { label: string; fraction: number } | null
  source: BundleSource | null
  preview: Preview | null
  result: ImportResult | null
  error: string | null
  /** Reads a chosen or dropped file: upload with progress, then verify and preview (changes nothing). */
  open(file: File): Promise<void>
  /** Desktop: previews a bundle at a local path chosen in the native open dialog. */
  openPath(path: string): Promise<void>
  /** Imports the previewed upload (one transaction on the host), with progress. */
  confirm(): Promise<void>
  close(): void
  /** Internal: verify and preview a source. */
  preview_(source: BundleSource): Promise<void>
}

const initial = { phase: 'closed' as const, fileName: null, progress: null, source: null, preview: null, result: null, error: null }
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** The import dialog's state (the database on the host stays the source of truth). */
export const useImportStore = create<ImportState>()((set, get) => ({
  ...initial,
  async open(file) {
    set({ ...initial, phase: 'reading', fileName: file.name, progress: { label: 'Uploading', fraction: 0 } })
    try {
      const uploadId = await bundlesApi.upload(file, (done, total) => set({ progress: { label: 'Uploading', fraction: total ? done / total : 1 } }))
      await get().preview_({ uploadId })
    } catch (err) {
      set({ phase: 'error', error: messageOf(err), progress: null })
    }
  },
  async openPath(path) {
    set({ ...initial, phase: 'reading', fileName: path.split(/[\\/]/).pop() ?? path })
    try {
      await get().preview_({ path })
    } catch (err) {
      set({ phase: 'error', error: messageOf(err), progress: null })
    }
  },
  async preview_(source) {
    set({ source, progress: { label: 'Verifying', fraction: 1 } })
    const preview = await bundlesApi.inspect(source)
    set({ phase: 'preview', preview, progress: null })
  },
  async confirm() {
    const { source } = get()
    if (!source) return
    set({ phase: 'importing', progress: { label: 'Importing', fraction: 0 } })
    try {
      const result = await bundlesApi.importBundle(source, (phase, done, total) =>
        set({ progress: { label: phase === 'import' ? 'Importing' : phase === 'verify' ? 'Verifying' : 'Reading', fraction: total ? done / total : 1 } }))
      set({ phase: 'done', result, progress: null })
      // Screens re-read what they show (the imported conversations and rollouts appear).
      if (result.report.changed) useHostStore.setState((h) => ({ epoch: h.epoch + 1 }))
    } catch (err) {
      set({ phase: 'error', error: messageOf(err), progress: null })
    }
  },
  close: () => set(initial),
}))

/** Back to the initial state (tests). */
export const resetImportStore = (): void => useImportStore.setState(initial)

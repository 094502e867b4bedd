import { create } from 'zustand'
import { toUiError, type UiError } from '../chat'
import { logsApi } from './api'
import { DEFAULT_FILTERS, type LogFilters } from './filter'
import type { LogLine } from './types'

/** Lines kept in the view; older ones drop off the top (the files keep everything). */
export const MAX_KEPT = 20_000

export interface LogsState {
  open: boolean
  lines: LogLine[]
  cursor: string | null
  /** The log folder on the host. */
  dir: string
  filters: LogFilters
  /** Keep the newest line in view as lines arrive. */
  follow: boolean
  loading: boolean
  error: UiError | null
  setOpen(open: boolean): void
  setFilters(patch: Partial<LogFilters>): void
  setFollow(follow: boolean): void
  /** First call: the newest 1000 lines; later calls: what was written since. */
  poll(): Promise<void>
  clear(): void
}

const initial = { open: false, lines: [] as LogLine[], cursor: null, dir: '', filters: DEFAULT_FILTERS, follow: true, loading: false, error: null }

/** The Logs drawer: lines read from the host's log files, filtered here (level, source, text). */
export const useLogsStore = create<LogsState>()((set, get) => ({
  ...initial,
  setOpen: (open) => set({ open }),
  setFilters: (patch) => set({ filters: { ...get().filters, ...patch } }),
  setFollow: (follow) => set({ follow }),
  async poll() {
    if (get().loading) return
    set({ loading: true })
    try {
      const cursor = get().cursor
      const page = await logsApi.tail(cursor ? { cursor, lines: 1000 } : { lines: 1000 })
      const lines = cursor ? [...get().lines, ...page.lines] : page.lines
      set({ lines: lines.length > MAX_KEPT ? lines.slice(-MAX_KEPT) : lines, cursor: page.cursor, dir: page.dir, error: null })
    } catch (err) {
      set({ error: toUiError(err) })
    } finally {
      set({ loading: false })
    }
  },
  clear: () => set({ lines: [] }),
}))

/** Back to the initial state (tests). */
export const resetLogsStore = () => useLogsStore.setState(initial)

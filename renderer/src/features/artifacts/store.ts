import { create } from 'zustand'
import type { ArtifactDetail, ArtifactRow } from '../../../../preload/contract'
import { toUiError, type UiError } from '../chat'
import { artifactsApi } from './api'

export interface ArtifactFilters {
  sessionId: string
  type: string
  tag: string
  text: string
}

export interface ArtifactsState {
  filters: ArtifactFilters
  rows: ArtifactRow[]
  truncated: boolean
  /** The most rows the last query asked for. */
  limit: number
  sessions: string[]
  /** Conversation names by id (labels and search). */
  names: Record<string, string>
  /** Stored types with their counts (in the chosen conversation), for the Type filter. */
  types: { type: string; count: number }[]
  loading: boolean
  loaded: boolean
  error: UiError | null
  /** The artifact open in the viewer. */
  openRef: string | null
  detail: ArtifactDetail | null
  /** Up to two refs picked for a diff. */
  picked: string[]
  diff: { left: string; right: string; text: string } | null
  setFilter(key: keyof ArtifactFilters, value: string): void
  load(): Promise<void>
  open(ref: string): Promise<void>
  /** Closes the viewer. */
  close(): void
  pick(ref: string): void
  runDiff(): Promise<void>
  closeDiff(): void
}

const initial = {
  filters: { sessionId: '', type: '', tag: '', text: '' },
  rows: [],
  truncated: false,
  limit: 2_000,
  sessions: [],
  names: {},
  types: [],
  loading: false,
  loaded: false,
  error: null,
  openRef: null,
  detail: null,
  picked: [],
  diff: null,
}

/** Unfiltered, the newest 2 000 show quickly; a conversation, type or tag filter shows up to 10 000. */
const limitFor = (f: ArtifactFilters): number => (f.sessionId || f.type || f.tag.trim() ? 10_000 : 2_000)

/** Artifact list, viewer and diff. Text filtering runs locally on the loaded rows (instant); the rest is a query. */
export const useArtifactsStore = create<ArtifactsState>()((set, get) => ({
  ...initial,
  setFilter(key, value) {
    set({ filters: { ...get().filters, [key]: value } })
    if (key !== 'text') void get().load()
  },
  async load() {
    const f = get().filters
    set({ limit: limitFor(f) })
    set({ loading: true })
    try {
      const page = await artifactsApi.query({
        ...(f.sessionId ? { sessionId: f.sessionId } : {}),
        ...(f.type ? { type: f.type as ArtifactRow['type'] } : {}),
        ...(f.tag.trim() ? { tag: f.tag.trim() } : {}),
        limit: limitFor(f),
      })
      set({
        rows: page.rows, truncated: page.truncated, sessions: page.sessions, types: page.types,
        names: Object.fromEntries(page.conversations.map((c) => [c.id, c.name])), loading: false, loaded: true, error: null,
      })
    } catch (err) {
      set({ loading: false, loaded: true, error: toUiError(err) })
    }
  },
  async open(ref) {
    set({ openRef: ref, detail: null })
    try {
      const detail = await artifactsApi.get(ref)
      if (get().openRef === ref) set({ detail })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },
  close: () => set({ openRef: null, detail: null }),
  pick(ref) {
    const picked = get().picked
    set({ picked: picked.includes(ref) ? picked.filter((r) => r !== ref) : [...picked, ref].slice(-2) })
  },
  async runDiff() {
    const [left, right] = get().picked
    if (!left || !right) return
    try {
      const { diff } = await artifactsApi.diff(left, right)
      set({ diff: { left, right, text: diff } })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },
  closeDiff: () => set({ diff: null }),
}))

export const resetArtifactsStore = (): void => useArtifactsStore.setState(initial)

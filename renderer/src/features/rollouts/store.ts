import { create } from 'zustand'
import type { CompareRow, RolloutDetail, RolloutProgress, RolloutSummary, SpecFile, Validation } from '../../../../preload/contract'
import { ClientError } from '../../shared/client'
import { rolloutsApi } from './api'
import { DEFAULT_FILTER, type OutputFilter } from './outputs'

/** The result views of a rollout, one shown at a time. */
export type ResultTab = 'outputs' | 'charts' | 'metrics' | 'teams' | 'config' | 'compare'

export interface UiError {
  code: string
  message: string
}

const toUiError = (err: unknown): UiError =>
  err instanceof ClientError ? { code: err.code, message: err.message } : { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }

/** The YAML being edited: its name and text, and where it came from. */
export interface OpenSpec {
  name: string
  text: string
  source: 'config' | 'file' | 'drop'
}

export interface RolloutsState {
  files: SpecFile[]
  rollouts: RolloutSummary[]
  spec: OpenSpec | null
  validation: Validation | null
  validating: boolean
  starting: boolean
  parallel: number
  error: UiError | null
  /** The rollout shown in the grid and tables. */
  selected: string | null
  detail: RolloutDetail | null
  /** The rollout compared against the selected one, and the rows. */
  compareWith: string | null
  compare: CompareRow[] | null
  /** The spec editor is open (else it shows as a one-line summary above the results). */
  specOpen: boolean
  /** `team/variant` whose detail panel is open. */
  cell: string | null
  tab: ResultTab
  outputFilter: OutputFilter
  /** The two variants (`team/variant`) shown side by side. */
  pair: [string | null, string | null]
  load(): Promise<void>
  open(spec: OpenSpec): Promise<void>
  edit(text: string): void
  validate(): Promise<Validation | null>
  start(): Promise<void>
  resume(id: string): Promise<void>
  /** Stops a running rollout (finished variants are kept; Resume runs the rest). */
  stop(id: string): Promise<void>
  select(id: string | null): Promise<void>
  setParallel(n: number): void
  setCompare(id: string | null): Promise<void>
  onProgress(p: RolloutProgress): void
  setSpecOpen(open: boolean): void
  openCell(key: string | null): void
  setTab(tab: ResultTab): void
  setOutputFilter(patch: Partial<OutputFilter>): void
  setPair(side: 0 | 1, key: string | null): void
}

const initial = {
  files: [], rollouts: [], spec: null, validation: null, validating: false, starting: false, parallel: 4, error: null,
  selected: null, detail: null, compareWith: null, compare: null,
  specOpen: true, cell: null, tab: 'outputs' as ResultTab, outputFilter: DEFAULT_FILTER, pair: [null, null] as [string | null, string | null],
} satisfies Partial<RolloutsState>

/** Rollouts screen state; progress events patch the grid in place, a finished rollout re-reads its tables. */
export const useRolloutsStore = create<RolloutsState>()((set, get) => ({
  ...initial,

  async load() {
    try {
      const [files, rollouts] = await Promise.all([rolloutsApi.files(), rolloutsApi.list()])
      set({ files, rollouts, error: null })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async open(spec) {
    set({ spec, validation: null, error: null })
    await get().validate()
  },

  edit(text) {
    const spec = get().spec
    set({ spec: { name: spec?.name ?? 'rollout.yml', source: spec?.source ?? 'file', text }, validation: null })
  },

  async validate() {
    const spec = get().spec
    if (!spec) return null
    set({ validating: true, error: null })
    try {
      const validation = await rolloutsApi.validate(spec.text, spec.name)
      // The text may have changed meanwhile; keep only the answer for the current one.
      if (get().spec?.text === spec.text) set({ validation })
      return validation
    } catch (err) {
      set({ error: toUiError(err) })
      return null
    } finally {
      set({ validating: false })
    }
  },

  async start() {
    const spec = get().spec
    if (!spec) return
    const validation = get().validation ?? (await get().validate())
    if (!validation?.ok) return
    set({ starting: true, error: null })
    try {
      const r = await rolloutsApi.start({ yaml: spec.text, fileName: spec.name, parallel: get().parallel })
      set((s) => ({ rollouts: [r, ...s.rollouts.filter((x) => x.id !== r.id)], specOpen: false }))
      await get().select(r.id)
    } catch (err) {
      set({ error: toUiError(err) })
    } finally {
      set({ starting: false })
    }
  },

  async resume(id) {
    try {
      await rolloutsApi.resume(id)
      await get().select(id)
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async stop(id) {
    try {
      await rolloutsApi.stop(id)
      await get().select(id)
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async select(id) {
    const same = id === get().selected
    set({ selected: id, ...(same ? {} : { compare: null, compareWith: null, detail: null, cell: null, pair: [null, null], outputFilter: DEFAULT_FILTER, ...(id ? { specOpen: false } : {}) }) })
    if (!id) return
    try {
      const detail = await rolloutsApi.get(id)
      if (get().selected === id) set({ detail })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  setParallel(n) {
    set({ parallel: Math.max(1, Math.min(64, Math.round(n) || 1)) })
  },

  async setCompare(id) {
    const selected = get().selected
    set({ compareWith: id, compare: null })
    if (!id || !selected) return
    try {
      const compare = await rolloutsApi.compare(id, selected)
      if (get().compareWith === id) set({ compare })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  onProgress(p) {
    set((s) => ({
      rollouts: s.rollouts.map((r) => (r.id === p.rolloutId ? { ...r, status: p.status, counts: p.counts, active: p.status === 'running' } : r)),
    }))
    const { detail, selected } = get()
    if (selected !== p.rolloutId) {
      if (!get().rollouts.some((r) => r.id === p.rolloutId)) void get().load()
      return
    }
    // A finished variant (or the end) brings metrics: re-read; a start only flips the cell.
    if (p.variant === null || p.variant.status === 'done' || p.variant.status === 'failed' || !detail) {
      rereadDetail(p.rolloutId)
      return
    }
    const v = p.variant
    set({
      detail: {
        ...detail, status: p.status, counts: p.counts,
        variants: detail.variants.map((x) => (x.team === v.team && x.variantId === v.variantId ? { ...x, status: v.status, phase: v.phase ?? v.status } : x)),
      },
    })
  },

  setSpecOpen(open) {
    set({ specOpen: open })
  },

  openCell(key) {
    set({ cell: key })
  },

  setTab(tab) {
    set({ tab })
  },

  setOutputFilter(patch) {
    set((s) => ({ outputFilter: { ...s.outputFilter, ...patch } }))
  },

  setPair(side, key) {
    set((s) => ({ pair: side === 0 ? [key, s.pair[1]] : [s.pair[0], key] }))
  },
}))

/**
 * Re-reads the selected rollout; while a read is in flight, further requests fold into one more
 * read after it. A large rollout (reading it costs the host time) is re-read at most about once a
 * second, so progress never queues the host's other work (Stop, other screens) behind reads.
 */
let reading: string | null = null
let again = false
let nextAt = 0
function rereadDetail(id: string): void {
  if (reading === id) {
    again = true
    return
  }
  reading = id
  const wait = Math.max(0, nextAt - Date.now())
  void (async () => {
    if (wait) await new Promise((r) => setTimeout(r, wait))
    const started = Date.now()
    await useRolloutsStore.getState().select(id)
    const large = (useRolloutsStore.getState().detail?.variants.length ?? 0) > 200
    nextAt = large ? Date.now() + Math.max(1000, 2 * (Date.now() - started)) : 0
  })().finally(() => {
    reading = null
    if (again) {
      again = false
      if (useRolloutsStore.getState().selected === id) rereadDetail(id)
    }
  })
}

/** Resets to the initial state (tests). */
export const resetRolloutsStore = (): void => useRolloutsStore.setState(initial)

/** Subscribes the store to progress events; returns the unsubscribe. */
export function startRolloutsLiveUpdates(): () => void {
  return rolloutsApi.onProgress((p) => useRolloutsStore.getState().onProgress(p))
}

import { create } from 'zustand'
import type { CompareRow, RolloutDetail, RolloutProgress, RolloutSummary, SpecFile, Validation } from '../../../../preload/contract'
import { ClientError } from '../../shared/client'
import { rolloutsApi } from './api'

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
  load(): Promise<void>
  open(spec: OpenSpec): Promise<void>
  edit(text: string): void
  validate(): Promise<Validation | null>
  start(): Promise<void>
  resume(id: string): Promise<void>
  select(id: string | null): Promise<void>
  setParallel(n: number): void
  setCompare(id: string | null): Promise<void>
  onProgress(p: RolloutProgress): void
}

const initial = {
  files: [], rollouts: [], spec: null, validation: null, validating: false, starting: false, parallel: 4, error: null,
  selected: null, detail: null, compareWith: null, compare: null,
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
      set((s) => ({ rollouts: [r, ...s.rollouts.filter((x) => x.id !== r.id)] }))
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

  async select(id) {
    const same = id === get().selected
    set({ selected: id, ...(same ? {} : { compare: null, compareWith: null, detail: null }) })
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
      void get().select(p.rolloutId)
      return
    }
    const v = p.variant
    set({
      detail: {
        ...detail, status: p.status, counts: p.counts,
        variants: detail.variants.map((x) => (x.team === v.team && x.variantId === v.variantId ? { ...x, status: v.status } : x)),
      },
    })
  },
}))

/** Resets to the initial state (tests). */
export const resetRolloutsStore = (): void => useRolloutsStore.setState(initial)

/** Subscribes the store to progress events; returns the unsubscribe. */
export function startRolloutsLiveUpdates(): () => void {
  return rolloutsApi.onProgress((p) => useRolloutsStore.getState().onProgress(p))
}

import { create } from 'zustand'
import type { BranchCompare, BranchList } from '../../../../preload/contract'
import { toUiError, type UiError } from '../chat'
import { branchesApi } from './api'

export interface BranchesState {
  conversationId: string | null
  list: BranchList | null
  /** Branch whose details are shown. */
  focused: string | null
  compare: BranchCompare | null
  error: UiError | null
  busy: boolean
  load(conversationId: string | null): Promise<void>
  focus(branch: string): void
  checkout(branch: string): Promise<boolean>
  rewind(branch: string, index: number): Promise<boolean>
  compareWith(left: string, right: string): Promise<void>
  closeCompare(): void
}

const initial = { conversationId: null, list: null, focused: null, compare: null, error: null, busy: false }

/** The branch tree of one conversation's root agent. */
export const useBranchesStore = create<BranchesState>()((set, get) => {
  const run = async (fn: () => Promise<void>): Promise<boolean> => {
    set({ busy: true, error: null })
    try {
      await fn()
      set({ busy: false })
      return true
    } catch (err) {
      set({ busy: false, error: toUiError(err) })
      return false
    }
  }
  return {
    ...initial,
    async load(conversationId) {
      if (conversationId !== get().conversationId) set({ ...initial, conversationId })
      if (!conversationId) return
      await run(async () => {
        const list = await branchesApi.list(conversationId)
        if (get().conversationId === conversationId) set({ list, focused: get().focused ?? list.current })
      })
    },
    focus: (branch) => set({ focused: branch }),
    async checkout(branch) {
      const id = get().conversationId
      if (!id) return false
      return run(async () => {
        await branchesApi.checkout(id, branch)
        set({ list: await branchesApi.list(id) })
      })
    },
    async rewind(branch, index) {
      const id = get().conversationId
      if (!id) return false
      return run(async () => {
        await branchesApi.rewind(id, branch, index)
        set({ list: await branchesApi.list(id) })
      })
    },
    async compareWith(left, right) {
      const id = get().conversationId
      if (!id) return
      await run(async () => set({ compare: await branchesApi.compare(id, left, right) }))
    },
    closeCompare: () => set({ compare: null }),
  }
})

export const resetBranchesStore = (): void => useBranchesStore.setState(initial)

import { create } from 'zustand'
import type { BranchCompare, BranchList } from '../../../../preload/contract'
import { toUiError, type UiError } from '../chat'
import { branchesApi } from './api'

export interface BranchesState {
  conversationId: string | null
  /** Agent whose stack is shown; null = the conversation's root agent. */
  agentId: string | null
  list: BranchList | null
  /** Branch whose details are shown. */
  focused: string | null
  compare: BranchCompare | null
  error: UiError | null
  /** Why the last rewind kept less than asked (its cut was inside an unanswered tool round). */
  notice: string | null
  busy: boolean
  load(conversationId: string | null): Promise<void>
  pickAgent(agentId: string | null): Promise<void>
  focus(branch: string): void
  checkout(branch: string): Promise<boolean>
  /** Goes back to entry `index` of `branch` on a new branch (the original stays). */
  rewind(branch: string, index: number): Promise<boolean>
  compareWith(left: string, right: string): Promise<void>
  closeCompare(): void
  clearNotice(): void
}

const initial = { conversationId: null, agentId: null, list: null, focused: null, compare: null, error: null, notice: null, busy: false }

/** The branch tree of one agent stack of a conversation (the root's by default). */
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
  const agent = () => get().agentId ?? undefined
  /** Re-reads the tree, and the open comparison, since any branch change can alter both. */
  const refresh = async (id: string) => {
    const list = await branchesApi.list(id, agent())
    if (get().conversationId !== id) return
    const known = new Set(list.branches.map((b) => b.branch))
    const focused = get().focused && known.has(get().focused!) ? get().focused : list.current
    set({ list, focused })
    const cmp = get().compare
    if (cmp && known.has(cmp.left.branch) && known.has(cmp.right.branch)) set({ compare: await branchesApi.compare(id, cmp.left.branch, cmp.right.branch, agent()) })
    else if (cmp) set({ compare: null })
  }
  return {
    ...initial,
    async load(conversationId) {
      if (conversationId !== get().conversationId) set({ ...initial, conversationId })
      if (!conversationId) return
      await run(() => refresh(conversationId))
    },
    async pickAgent(agentId) {
      const id = get().conversationId
      set({ agentId, focused: null, compare: null, list: null })
      if (id) await run(() => refresh(id))
    },
    focus: (branch) => set({ focused: branch }),
    async checkout(branch) {
      const id = get().conversationId
      if (!id) return false
      return run(async () => {
        await branchesApi.checkout(id, branch, agent())
        await refresh(id)
      })
    },
    async rewind(branch, index) {
      const id = get().conversationId
      if (!id) return false
      return run(async () => {
        const made = await branchesApi.rewind(id, branch, index, agent())
        set({ focused: made.branch, notice: made.note })
        await refresh(id)
      })
    },
    async compareWith(left, right) {
      const id = get().conversationId
      if (!id) return
      await run(async () => set({ compare: await branchesApi.compare(id, left, right, agent()) }))
    },
    closeCompare: () => set({ compare: null }),
    clearNotice: () => set({ notice: null }),
  }
})

export const resetBranchesStore = (): void => useBranchesStore.setState(initial)

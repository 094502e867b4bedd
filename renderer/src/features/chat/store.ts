import { create } from 'zustand'
import type { AgentSummary, Branch, BranchStatusKind, ChatMessage, ConversationSummary, ChatModelInfo, OverridePatchInput, OverridesView } from '../../../../preload/contract'
import { ClientError, type ConnectionState } from '../../shared/client'
import { chatApi } from './api'

/** A failure as the UI shows it. */
export interface UiError {
  code: string
  message: string
}

export const toUiError = (err: unknown): UiError =>
  err instanceof ClientError ? { code: err.code, message: err.message } : { code: 'UNEXPECTED', message: err instanceof Error ? err.message : String(err) }

export interface ChatState {
  agents: AgentSummary[]
  conversations: ConversationSummary[]
  loaded: boolean
  selectedId: string | null
  /** The open conversation's root agent, branch, status and messages. */
  agentId: string | null
  branch: string | null
  status: BranchStatusKind
  total: number
  messages: ChatMessage[]
  branches: Branch[]
  /** The branch owes work nothing runs: offer Resume and Cancel. */
  stuck: boolean
  /** Which model answers, and the picker's choices. */
  model: ChatModelInfo | null
  /** Connection to main (always open inside Electron). */
  connection: ConnectionState
  /** Text streamed for the answer being written. */
  streaming: string
  /** Names of tools running now. */
  runningTools: string[]
  overrides: OverridesView | null
  sending: boolean
  error: UiError | null
  /** A note about the last fork or rewind (its cut moved out of an unanswered tool round). */
  notice: string | null
  refresh(): Promise<void>
  select(id: string | null): Promise<void>
  reload(): Promise<void>
  create(agentId: string): Promise<string | null>
  send(text: string): Promise<boolean>
  answer(text: string): Promise<boolean>
  fork(index: number): Promise<void>
  checkout(branch: string): Promise<void>
  saveOverrides(patch: OverridePatchInput, lock?: boolean): Promise<boolean>
  clearError(): void
  clearNotice(): void
}

const initial = {
  agents: [],
  conversations: [],
  loaded: false,
  selectedId: null,
  agentId: null,
  branch: null,
  status: 'empty' as BranchStatusKind,
  total: 0,
  messages: [],
  branches: [],
  stuck: false,
  model: null,
  connection: 'open' as ConnectionState,
  streaming: '',
  runningTools: [],
  overrides: null,
  sending: false,
  error: null,
  notice: null,
} satisfies Partial<ChatState>

/** Is the agent still working on the branch? */
export const isBusy = (s: BranchStatusKind): boolean => s === 'needs_turn' || s === 'awaiting_tools'

/**
 * The open conversation, kept live from `chat:*` events; the database stays the truth, so every
 * answer (or a branch switch) re-reads the branch.
 */
export const useChatStore = create<ChatState>()((set, get) => ({
  ...initial,

  async refresh() {
    try {
      const [agents, conversations] = await Promise.all([chatApi.agents(), chatApi.conversations()])
      set({ agents, conversations, loaded: true })
    } catch (err) {
      set({ loaded: true, error: toUiError(err) })
    }
  },

  async select(id) {
    set({ selectedId: id, messages: [], streaming: '', runningTools: [], overrides: null, branches: [], total: 0, agentId: null, branch: null, status: 'empty', stuck: false, model: null, notice: null })
    if (id) await get().reload()
  },

  async reload() {
    const id = get().selectedId
    if (!id) return
    try {
      const [view, branches, overrides] = await Promise.all([chatApi.messages(id), chatApi.branches(id), chatApi.overrides(id)])
      if (get().selectedId !== id) return
      set({
        agentId: view.agentId,
        branch: view.branch,
        status: view.status,
        total: view.total,
        messages: view.messages,
        branches: branches.branches,
        stuck: view.stuck,
        model: view.model,
        overrides,
        streaming: isBusy(view.status) ? get().streaming : '',
        error: null,
      })
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async create(agentId) {
    try {
      const conv = await chatApi.create(agentId)
      set({ conversations: [conv, ...get().conversations] })
      await get().select(conv.id)
      return conv.id
    } catch (err) {
      set({ error: toUiError(err) })
      return null
    }
  },

  async send(text) {
    const id = get().selectedId
    if (!id) return false
    set({ sending: true, error: null })
    try {
      await chatApi.send(id, text)
      set({ sending: false, status: 'needs_turn' })
      return true
    } catch (err) {
      set({ sending: false, error: toUiError(err) })
      return false
    }
  },

  async answer(text) {
    const id = get().selectedId
    if (!id) return false
    set({ sending: true, error: null })
    try {
      await chatApi.answer(id, text)
      set({ sending: false, status: 'needs_turn' })
      return true
    } catch (err) {
      set({ sending: false, error: toUiError(err) })
      return false
    }
  },

  async fork(index) {
    const id = get().selectedId
    if (!id) return
    try {
      const made = await chatApi.fork(id, index)
      set({ streaming: '', notice: made.note })
      await get().reload()
      void refreshList()
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async checkout(branch) {
    const id = get().selectedId
    if (!id) return
    try {
      await chatApi.checkout(id, branch)
      set({ streaming: '' })
      await get().reload()
    } catch (err) {
      set({ error: toUiError(err) })
    }
  },

  async saveOverrides(patch, lock) {
    const id = get().selectedId
    if (!id) return false
    try {
      set({ overrides: await chatApi.setOverrides(id, patch, lock), error: null })
      return true
    } catch (err) {
      set({ error: toUiError(err) })
      return false
    }
  },

  clearError: () => set({ error: null }),
  clearNotice: () => set({ notice: null }),
}))

/** Resets to the initial state (tests). */
export const resetChatStore = (): void => useChatStore.setState(initial)

/** Applies one live event when it concerns the open branch. */
const mine = (e: { conversationId: string; agentId: string; branch: string }): boolean => {
  const s = useChatStore.getState()
  return e.conversationId === s.selectedId && e.agentId === s.agentId && e.branch === s.branch
}

/** Subscribes the store to the chat events; returns the unsubscribe. */
export function startChatLiveUpdates(): () => void {
  const offs = [
    chatApi.onConnection((connection) => {
      const was = useChatStore.getState().connection
      useChatStore.setState({ connection })
      // Back after a drop: what happened meanwhile is in the database.
      if (connection === 'open' && was !== 'open') {
        void useChatStore.getState().refresh()
        void useChatStore.getState().reload()
      }
    }),
    chatApi.on('chat:token', (e) => {
      if (mine(e)) useChatStore.setState((s) => ({ streaming: s.streaming + e.delta, status: 'needs_turn' }))
    }),
    chatApi.on('chat:entry', (e) => {
      if (!mine(e)) return
      useChatStore.setState((s) => {
        if (s.messages.some((m) => m.index === e.message.index)) return {}
        const done = e.message.kind === 'assistant_message'
        return { messages: [...s.messages, e.message], total: Math.max(s.total, e.message.index + 1), ...(done ? { streaming: '' } : {}) }
      })
    }),
    chatApi.on('chat:tool', (e) => {
      if (!mine(e)) return
      useChatStore.setState((s) => ({
        runningTools: e.phase === 'start' ? [...s.runningTools, e.name] : s.runningTools.filter((t, i) => i !== s.runningTools.indexOf(e.name) || t !== e.name),
      }))
    }),
    chatApi.on('chat:answered', (e) => {
      if (e.conversationId === useChatStore.getState().selectedId) void useChatStore.getState().reload()
      void refreshList()
    }),
    chatApi.on('chat:inputRequested', (e) => {
      if (e.conversationId === useChatStore.getState().selectedId) void useChatStore.getState().reload()
    }),
  ]
  return () => offs.forEach((off) => off())
}

/** Re-reads the conversation list (after a fork, rename, delete or answer). */
export async function refreshList(): Promise<void> {
  try {
    useChatStore.setState({ conversations: await chatApi.conversations() })
  } catch {
    // The list refreshes on the next event or visit.
  }
}

import { chatApi } from './api'
import { refreshList, toUiError, useChatStore } from './store'

/**
 * Time travel and conversation housekeeping on top of the chat store. Each re-reads what main
 * now holds (the database is the truth) and reports failures in the store's `error`.
 */
async function guarded<T>(fn: (id: string) => Promise<T>): Promise<T | null> {
  const id = useChatStore.getState().selectedId
  if (!id) return null
  try {
    return await fn(id)
  } catch (err) {
    useChatStore.setState({ error: toUiError(err), sending: false })
    return null
  }
}

const afterBranchChange = async () => {
  useChatStore.setState({ streaming: '', runningTools: [] })
  await useChatStore.getState().reload()
  void refreshList()
}

/**
 * Edit & resend: a new branch that keeps everything before the user message at `index`, with the
 * edited text sent in its place. The original branch stays as it was. The very first message has
 * nothing before it to fork from, so its edit starts a new conversation with the same agent.
 */
export async function editAndResend(index: number, text: string): Promise<boolean> {
  const ok = await guarded(async (id) => {
    useChatStore.setState({ sending: true, error: null })
    if (index === 0) {
      const agent = useChatStore.getState().agentId
      if (!agent) return false
      const conv = await chatApi.create(agent)
      await useChatStore.getState().select(conv.id)
      await chatApi.send(conv.id, text)
    } else {
      const made = await chatApi.fork(id, index - 1)
      useChatStore.setState({ notice: made.note })
      await chatApi.send(id, text)
    }
    useChatStore.setState({ sending: false, status: 'needs_turn' })
    await afterBranchChange()
    return true
  })
  return ok === true
}

/** Rewind to the entry at `index`: forks there (keeping the original branch) and checks the fork out. */
export async function rewindTo(index: number): Promise<void> {
  await guarded(async (id) => {
    const made = await chatApi.rewind(id, index)
    useChatStore.setState({ notice: made.note })
    await afterBranchChange()
  })
}

/** Resume a stuck branch: its pending tool calls or delegation run again. */
export async function resumeStuck(): Promise<void> {
  await guarded(async (id) => {
    await chatApi.resume(id)
    useChatStore.setState({ stuck: false, status: 'awaiting_tools' })
    await useChatStore.getState().reload()
  })
}

/** Cancel a stuck branch: its pending calls are answered as cancelled; the branch is idle after. */
export async function cancelStuck(): Promise<void> {
  await guarded(async (id) => {
    await chatApi.cancel(id)
    await useChatStore.getState().reload()
    void refreshList()
  })
}

/** Renames a conversation (names are unique). */
export async function renameConversation(conversationId: string, name: string): Promise<boolean> {
  try {
    const updated = await chatApi.rename(conversationId, name)
    useChatStore.setState((s) => ({ conversations: s.conversations.map((c) => (c.id === updated.id ? updated : c)), error: null }))
    return true
  } catch (err) {
    useChatStore.setState({ error: toUiError(err) })
    return false
  }
}

/** Deletes a conversation; the open one closes. */
export async function deleteConversation(conversationId: string): Promise<boolean> {
  try {
    await chatApi.remove(conversationId)
    const s = useChatStore.getState()
    useChatStore.setState({ conversations: s.conversations.filter((c) => c.id !== conversationId), error: null })
    if (s.selectedId === conversationId) await s.select(null)
    return true
  } catch (err) {
    useChatStore.setState({ error: toUiError(err) })
    return false
  }
}

/** Picks the model of the open conversation (null: back to the agent's own). */
export async function pickModel(model: string | null): Promise<void> {
  if (await useChatStore.getState().saveOverrides({ model })) await useChatStore.getState().reload()
}

import { useChatStore } from '../chat'

/**
 * Shows a variant's conversation in the Chat screen: selects it through the chat feature's public
 * store API (and checks out `branch`, e.g. a feedback round's, when given), then switches the hash
 * route to `#/chat`.
 */
export async function openTranscript(conversationId: string, branch?: string): Promise<void> {
  await useChatStore.getState().select(conversationId)
  if (branch && useChatStore.getState().branch !== branch) await useChatStore.getState().checkout(branch)
  window.location.hash = '/chat'
}

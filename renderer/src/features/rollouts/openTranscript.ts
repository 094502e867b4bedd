import { useChatStore } from '../chat'

/**
 * Shows a variant's conversation in the Chat screen: selects it through the chat feature's public
 * store API, then switches the hash route to `#/chat`.
 */
export async function openTranscript(conversationId: string): Promise<void> {
  await useChatStore.getState().select(conversationId)
  window.location.hash = '/chat'
}

import type { EventName, EventPayload, OverridePatchInput } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** The chat feature's calls; everything goes through the shared client. */
export const chatApi = {
  agents: () => getClient().invoke('agents:list', {}),
  /** Chats; a rollout's conversation only when asked (opened from the Rollouts screen). */
  conversations: (includeRollouts = false) => getClient().invoke('chat:list', includeRollouts ? { includeRollouts } : {}),
  create: (agentId: string, name?: string) => getClient().invoke('chat:create', name ? { agentId, name } : { agentId }),
  send: (conversationId: string, text: string) => getClient().invoke('chat:send', { conversationId, text }),
  answer: (conversationId: string, text: string) => getClient().invoke('chat:answer', { conversationId, text }),
  messages: (conversationId: string) => getClient().invoke('chat:messages', { conversationId }),
  branches: (conversationId: string) => getClient().invoke('branches:list', { conversationId }),
  fork: (conversationId: string, atIndex: number) => getClient().invoke('branches:fork', { conversationId, atIndex }),
  checkout: (conversationId: string, branch: string) => getClient().invoke('branches:checkout', { conversationId, branch }),
  overrides: (conversationId: string) => getClient().invoke('overrides:get', { conversationId }),
  setOverrides: (conversationId: string, patch: OverridePatchInput, lock?: boolean) =>
    getClient().invoke('overrides:set', lock ? { conversationId, patch, lock } : { conversationId, patch }),
  on: <E extends EventName>(event: E, cb: (p: EventPayload<E>) => void) => getClient().on(event, cb),
}

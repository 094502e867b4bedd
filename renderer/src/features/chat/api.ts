import type { EventName, EventPayload, OverridePatchInput } from '../../../../preload/contract'
import { getClient, type ConnectionState } from '../../shared/client'

/** The chat feature's calls; everything goes through the shared client. */
export const chatApi = {
  agents: () => getClient().invoke('agents:list', {}),
  /** Every conversation; the chat list groups rollouts' own. */
  conversations: () => getClient().invoke('chat:list', { includeRollouts: true }),
  create: (agentId: string, name?: string) => getClient().invoke('chat:create', name ? { agentId, name } : { agentId }),
  send: (conversationId: string, text: string) => getClient().invoke('chat:send', { conversationId, text }),
  answer: (conversationId: string, text: string) => getClient().invoke('chat:answer', { conversationId, text }),
  messages: (conversationId: string) => getClient().invoke('chat:messages', { conversationId }),
  branches: (conversationId: string) => getClient().invoke('branches:list', { conversationId }),
  fork: (conversationId: string, atIndex: number) => getClient().invoke('branches:fork', { conversationId, atIndex }),
  rewind: (conversationId: string, index: number) => getClient().invoke('branches:rewind', { conversationId, index }),
  rename: (conversationId: string, name: string) => getClient().invoke('chat:rename', { conversationId, name }),
  remove: (conversationId: string) => getClient().invoke('chat:delete', { conversationId }),
  resume: (conversationId: string) => getClient().invoke('chat:resume', { conversationId }),
  cancel: (conversationId: string) => getClient().invoke('chat:cancel', { conversationId }),
  checkout: (conversationId: string, branch: string) => getClient().invoke('branches:checkout', { conversationId, branch }),
  overrides: (conversationId: string) => getClient().invoke('overrides:get', { conversationId }),
  setOverrides: (conversationId: string, patch: OverridePatchInput, lock?: boolean) =>
    getClient().invoke('overrides:set', lock ? { conversationId, patch, lock } : { conversationId, patch }),
  onConnection: (cb: (state: ConnectionState) => void) => getClient().onConnection(cb),
  on: <E extends EventName>(event: E, cb: (p: EventPayload<E>) => void) => getClient().on(event, cb),
}

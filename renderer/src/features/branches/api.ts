import { getClient } from '../../shared/client'

const who = (agentId?: string) => (agentId ? { agentId } : {})

/** The branches feature's calls; `agentId` picks a delegated agent's stack (default: the root's). */
export const branchesApi = {
  list: (conversationId: string, agentId?: string) => getClient().invoke('branches:list', { conversationId, ...who(agentId) }),
  checkout: (conversationId: string, branch: string, agentId?: string) => getClient().invoke('branches:checkout', { conversationId, branch, ...who(agentId) }),
  rewind: (conversationId: string, branch: string, index: number, agentId?: string) => getClient().invoke('branches:rewind', { conversationId, branch, index, ...who(agentId) }),
  compare: (conversationId: string, left: string, right: string, agentId?: string) => getClient().invoke('branches:compare', { conversationId, left, right, ...who(agentId) }),
}

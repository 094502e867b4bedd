import { getClient } from '../../shared/client'

/** The branches feature's calls. */
export const branchesApi = {
  list: (conversationId: string) => getClient().invoke('branches:list', { conversationId }),
  checkout: (conversationId: string, branch: string) => getClient().invoke('branches:checkout', { conversationId, branch }),
  rewind: (conversationId: string, branch: string, index: number) => getClient().invoke('branches:rewind', { conversationId, branch, index }),
  compare: (conversationId: string, left: string, right: string) => getClient().invoke('branches:compare', { conversationId, left, right }),
}

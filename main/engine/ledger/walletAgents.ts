import type { AgentDefinition } from '../config/types'

/** Agents that always get a wallet besides those in agents.yml (the original's fixed set). */
export const SYSTEM_AGENTS = ['treasurer', 'agent_helper', 'child'] as const

/** Agent ids that get wallets: agents.yml in file order, then the fixed system agents. */
export function walletAgents(agents: readonly Pick<AgentDefinition, 'id'>[]): string[] {
  return [...new Set([...agents.map((a) => a.id), ...SYSTEM_AGENTS])]
}

import { ToolRegistry } from '../registry'
import type { Tool } from '../types'
import { delegateTool } from './delegate'
import { checkBalanceTool, rewardAgentTool, transactionHistoryTool, transferFundsTool } from './ledgerTools'
import { getLeagueLeaderTool, getWeatherTool } from './weather'

/** Every built-in tool, in the order of `tool-schemas.json`. */
export const BUILTIN_TOOLS: readonly Tool[] = [
  delegateTool,
  getWeatherTool,
  getLeagueLeaderTool,
  transferFundsTool,
  checkBalanceTool,
  transactionHistoryTool,
  rewardAgentTool,
]

/** A fresh registry holding the built-ins (plus `extra` tools). */
export function builtinRegistry(extra: Iterable<Tool> = []): ToolRegistry {
  return new ToolRegistry([...BUILTIN_TOOLS, ...extra])
}

export { delegateTool, getWeatherTool, getLeagueLeaderTool, transferFundsTool, checkBalanceTool, transactionHistoryTool, rewardAgentTool }

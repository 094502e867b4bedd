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

/** The wallet tools: they exist only while the ledger is enabled. */
export const LEDGER_TOOLS: readonly Tool[] = [transferFundsTool, checkBalanceTool, transactionHistoryTool, rewardAgentTool]

/** Why a ledger tool is missing when `LEDGER_ENABLED=false` (what a model that calls one anyway is told). */
export const LEDGER_DISABLED_REASON = 'the ledger is disabled in this setup (LEDGER_ENABLED=false): wallet tools are turned off and no money moves'

/**
 * A fresh registry holding the built-ins (plus `extra` tools). With `ledger: false` the wallet
 * tools are left out (not offered to any model) and a call to one is refused with
 * {@link LEDGER_DISABLED_REASON}.
 */
export function builtinRegistry(extra: Iterable<Tool> = [], o: { ledger?: boolean } = {}): ToolRegistry {
  if (o.ledger !== false) return new ToolRegistry([...BUILTIN_TOOLS, ...extra])
  const registry = new ToolRegistry([...BUILTIN_TOOLS.filter((t) => !LEDGER_TOOLS.includes(t)), ...extra])
  for (const t of LEDGER_TOOLS) registry.disable(t.name, LEDGER_DISABLED_REASON)
  return registry
}

export { delegateTool, getWeatherTool, getLeagueLeaderTool, transferFundsTool, checkBalanceTool, transactionHistoryTool, rewardAgentTool }

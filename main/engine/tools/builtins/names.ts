/**
 * Names of the built-in tools, without defining them (no tool module, no JSON-schema generation):
 * what config checks and listings need. `names.test.ts` keeps them equal to the tools themselves.
 */
export const BUILTIN_TOOL_NAME_LIST: readonly string[] = [
  'delegate',
  'get_weather',
  'get_league_leader',
  'transfer_funds',
  'check_balance',
  'transaction_history',
  'reward_agent',
]

/** Names of the wallet tools (they exist only while the ledger is enabled). */
export const LEDGER_TOOL_NAME_LIST: readonly string[] = ['transfer_funds', 'check_balance', 'transaction_history', 'reward_agent']

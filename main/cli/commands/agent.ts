import type { Command } from 'commander'
import { LEDGER_TOOL_NAME_LIST } from '../../engine/tools/builtins/names'
import type { AgentDefinition } from '../../engine/config/types'
import { table, toJson } from '../output'
import type { Wrap } from '../program'

const LEDGER_TOOL_NAMES = new Set(LEDGER_TOOL_NAME_LIST)

/** One row of `agent list`. */
export interface AgentRow {
  id: string
  type: AgentDefinition['type']
  model: string | null
  tools: string[]
  behaviorTemplate: string | null
}

export const agentRow = (a: AgentDefinition): AgentRow => ({
  id: a.id,
  type: a.type,
  model: a.type === 'llm' ? a.llm_model : null,
  tools: a.type === 'llm' ? a.tools : [],
  behaviorTemplate: a.type === 'llm' ? a.behavior_template : null,
})

/** `p2engine agent list`: every configured agent (the original listed only those instantiated in its process). */
export function registerAgentCommands(program: Command, wrap: Wrap): void {
  const agent = program.command('agent').description('configured agents')
  agent
    .command('list')
    .description('all agents of agents.yml with type, model and tools')
    .option('--json', 'print JSON')
    .action(wrap((ctx, opts: { json?: boolean }) => {
      const rows = ctx.config.agents.map(agentRow)
      ctx.noteLedgerDisabled()
      if (opts.json) return ctx.io.out(toJson(rows))
      if (!rows.length) return ctx.io.out('No agents are configured.')
      // With the ledger disabled the wallet tools stay configured but are not offered: say so per tool.
      const ledgerOff = !ctx.config.settings.ledger.enabled
      const tool = (t: string) => (ledgerOff && LEDGER_TOOL_NAMES.has(t) ? `${t} (off)` : t)
      ctx.io.out(table('Configured Agents', ['Agent', 'Type', 'Model', 'Tools', 'Persona'],
        rows.map((r) => [r.id, r.type, r.model ?? '–', r.tools.map(tool).join(', ') || '–', r.behaviorTemplate ?? '–'])))
    }))
}

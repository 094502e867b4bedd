// Test helper (a separate OS process): `node --import tsx balanceProbe.ts <db file>` reads lines
// from stdin — `balance` runs the check_balance tool the way the runtime does (SQLite tool cache
// shared with every process on the database), `transfer <amount>` pays agent_beta — and prints
// one JSON line per command.
import { createInterface } from 'node:readline'
import { EmbeddedLedger } from '../../../storage/ledger/embeddedLedger'
import { SqliteToolCache } from '../../../storage/runtime/sqliteRuntimeStores'
import { openStore } from '../../../storage/sqliteStore'
import { builtinRegistry } from '../builtins'
import { invokeTool } from '../invoke'

const store = openStore(process.argv[2]!)
const ledger = new EmbeddedLedger(store, { party: process.argv[3] ?? 'p2engine::default' })
const ctx = { agentId: 'agent_alpha', conversationId: 'probe', branchId: 'main', ledger, cache: new SqliteToolCache(store) }
const tools = builtinRegistry()
let n = 0
process.stdout.write('{"ready":true}\n')
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, amount] = line.trim().split(/\s+/)
  const outcome = cmd === 'balance'
    ? await invokeTool(tools, 'check_balance', {}, { ...ctx, idempotencyKey: 'read' })
    : await invokeTool(tools, 'transfer_funds', { to_agent: 'agent_beta', amount: Number(amount) }, { ...ctx, idempotencyKey: `probe_${++n}` })
  process.stdout.write(JSON.stringify(outcome) + '\n')
}
store.close()

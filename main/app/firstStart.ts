import type { FirstStart } from '../../preload/contract'
import type { LoadedConfig } from '../engine/config/types'
import { messageOf } from '../engine/errors'
import { walletAgents } from '../engine/ledger/walletAgents'
import type { LedgerClient } from '../engine/ports/ledger'

/**
 * First start of the app (Electron or `p2engine ui`): an embedded ledger without any wallet gets
 * one per configured agent (agents.yml plus the system agents) at `ledger.initial_balance`, as
 * `p2engine ledger init` and `./run_project.sh` do. A ledger that has wallets is left alone, so a
 * second start creates nothing; the `init:<agent>` command ids make a race with a concurrent
 * `ledger init` (or a second host) harmless: the ledger deduplicates, nothing is minted twice.
 * With the ledger disabled nothing is created. Canton creates its wallets itself whenever its sandbox starts. Never throws: a failure is
 * reported in the result (and the Wallets screen still says how to create wallets by hand).
 */
export async function createConfiguredWallets(ledger: LedgerClient, config: LoadedConfig): Promise<FirstStart> {
  // Canton makes its own wallets; a disabled ledger (LEDGER_ENABLED=false) gets none.
  if (ledger.backend !== 'embedded' || !config.settings.ledger.enabled) return { created: [], balance: null, error: null }
  try {
    if ((await ledger.listWallets()).length > 0) return { created: [], balance: null, error: null }
    const balance = config.settings.ledger.initialBalance
    const created: string[] = []
    for (const agent of walletAgents(config.agents)) {
      const r = await ledger.createWallet({ agent, initialBalance: balance, commandId: `init:${agent}` })
      if (r.created) created.push(agent)
    }
    return { created, balance, error: null }
  } catch (err) {
    return { created: [], balance: null, error: `could not create the configured wallets: ${messageOf(err)}; run \`p2engine ledger init\`` }
  }
}

import type { RolloutProgress, TransferInput, TransferredEvent } from '../../../../preload/contract'
import { getClient } from '../../shared/client'

/** The wallets feature's calls; everything goes through the shared client. */
export const walletsApi = {
  wallets: () => getClient().invoke('ledger:wallets', {}),
  history: (agent?: string) => getClient().invoke('ledger:history', agent ? { agent, limit: 200 } : { limit: 200 }),
  /** The audit trail (newest first), for the balance chart. */
  events: () => getClient().invoke('ledger:events', { limit: 2000 }),
  audit: () => getClient().invoke('ledger:audit', {}),
  metrics: () => getClient().invoke('ledger:metrics', {}),
  status: () => getClient().invoke('ledger:status', {}),
  transfer: (input: TransferInput) => getClient().invoke('ledger:transfer', input),
  onTransferred: (cb: (e: TransferredEvent) => void) => getClient().on('ledger:transferred', cb),
  /** A rollout variant settled or a rollout ended (here or in another process): its payments may have moved balances. */
  onRolloutSettled: (cb: () => void) => getClient().on('rollouts:progressed', (p: RolloutProgress) => {
    if (p.variant ? p.variant.status === 'done' || p.variant.status === 'failed' : p.status !== 'running') cb()
  }),
}

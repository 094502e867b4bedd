import type { LedgerClient } from '../../engine/ports/ledger'

/** A LedgerClient whose target can be swapped (the managed sandbox comes up on new ports each start). */
export interface ReboundLedger extends LedgerClient {
  /** Points every later call at `next`; the previous client is closed. */
  rebind(next: LedgerClient): Promise<void>
}

/**
 * Wraps a Canton client so the engine, built once, follows the managed sandbox: when it becomes
 * ready on fresh ports, the app rebinds to a client for the new JSON API URL.
 */
export function reboundLedger(initial: LedgerClient): ReboundLedger {
  let current = initial
  return {
    get backend() {
      return current.backend
    },
    status: () => current.status(),
    createWallet: (req) => current.createWallet(req),
    getWallet: (agent) => current.getWallet(agent),
    listWallets: () => current.listWallets(),
    walletVersions: (agent) => current.walletVersions(agent),
    transfer: (req) => current.transfer(req),
    history: (agent, limit) => current.history(agent, limit),
    metrics: () => current.metrics(),
    events: (query) => current.events(query),
    audit: () => current.audit(),
    close: () => current.close(),
    async rebind(next) {
      const previous = current
      current = next
      if (previous !== next) await previous.close()
    },
  }
}

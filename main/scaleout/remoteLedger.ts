import type { LedgerClient } from '../engine/ports/ledger'

/**
 * The embedded ledger in a distributed rollout (issue 14): workers on other machines must pay
 * into the coordinator's one ledger, exactly once. A worker's `LedgerClient` forwards every call
 * to the coordinator over Redis; the coordinator answers them from its own ledger, and the
 * engine's idempotency keys (`tc_…` command ids) make a retried call return the first result.
 *
 * INTERFACE ONLY in this commit: the adapter is being built (see docs/notes/scaleout.md).
 */
export interface RemoteLedgerOptions {
  /** Redis URL (the resolved target's `url`). */
  url: string
  /** The shared job secret: requests and answers are HMAC-signed with it. */
  secret: string
  appVersion: string
  /** Key prefix (tests isolate themselves with their own). Default `p2engine`. */
  prefix?: string
  /** How long a worker waits for the coordinator's answer before the call fails (ms). */
  timeoutMs?: number
}

/** Worker side: a LedgerClient whose every call runs on the coordinator's ledger. */
export function remoteLedgerClient(_o: RemoteLedgerOptions): LedgerClient {
  throw new Error('remote ledger is not built yet')
}

/** Coordinator side: answers remote ledger calls from `ledger` until `close()`. */
export async function serveLedger(_ledger: LedgerClient, _o: RemoteLedgerOptions): Promise<{ close(): Promise<void> }> {
  throw new Error('remote ledger is not built yet')
}

/**
 * The ledger port. Two implementations stand behind it: the embedded ledger (SQLite with the
 * Daml semantics of `daml/daml/src/P2Engine/Ledger.daml`, the default) and the Canton JSON Ledger
 * API v2 backend. Both must give the same results for the same commands.
 *
 * Amounts cross this port as canonical decimal strings (see `ledger/decimal.ts`), never floats.
 * Every write carries a `commandId`; resubmitting the same (actAs, commandId) returns the first
 * result with `deduplicated: true` and no second effect.
 */

import type { FirstTransfer } from '../ledger/commandIds'

/** `AgentWallet {party, agent, balance, created}`, one active contract per (party, agent). */
export interface Wallet {
  contractId: string
  party: string
  agent: string
  /** Canonical decimal string, e.g. "100.0". */
  balance: string
  /** Unix seconds when the first wallet version for this agent was created. */
  created: number
  /** Transaction that created this contract version. */
  createdTx: string
  /** Transaction that archived it; null while active. */
  archivedTx: string | null
}

/** `TransferRecord {party, fromAgent, toAgent, amount, reason, timestamp}`. */
export interface TransferRecord {
  contractId: string
  party: string
  fromAgent: string
  toAgent: string
  amount: string
  reason: string
  /** Unix seconds. */
  timestamp: number
  transactionId: string
}

/** `SystemMetrics {party, totalVolume, transactionCount, lastUpdated}`. */
export interface SystemMetrics {
  party: string
  walletCount: number
  totalBalance: string
  transactionCount: number
  totalVolume: string
  averageBalance: string
  /** Total ever minted by wallet creation (and migration). Equal to totalBalance when the ledger is sound. */
  mintedTotal: string
  lastUpdated: number
}

export interface CreateWalletRequest {
  agent: string
  initialBalance: string
  commandId?: string
}

export interface CreateWalletResult {
  wallet: Wallet
  /** False when a wallet for the agent already existed; it was not re-funded. */
  created: boolean
  transactionId: string | null
}

export interface TransferRequest {
  from: string
  to: string
  amount: string
  reason?: string
  /** Idempotency key; generated when absent (then a retry is a new command). */
  commandId?: string
  /** Unix seconds recorded on the TransferRecord; defaults to now. */
  timestamp?: number
  /** Conversation that caused the transfer, kept on the audit event. */
  conversationId?: string
}

export interface TransferResult {
  transactionId: string
  commandId: string
  recordId: string
  fromBalance: string
  toBalance: string
  /** True when this command id had already been committed and the first result is returned. */
  deduplicated: boolean
  /**
   * With `deduplicated`: the transfer the command id first committed (same parameters, or the
   * ledger would have thrown `COMMAND_ID_REUSED`), for "already applied" messages.
   */
  original?: FirstTransfer
}

/** One event of the ledger's audit trail (one per committed transaction). */
export interface LedgerEvent {
  offset: number
  transactionId: string
  commandId: string
  type: 'wallet_created' | 'transfer_executed' | 'wallet_migrated'
  /** ISO-8601 time of commit. */
  at: string
  details: Record<string, unknown>
}

export interface EventQuery {
  sinceIso?: string
  type?: string
  agent?: string
  limit?: number
}

/** Every version of one agent's wallet, oldest first, with the transaction that archived it. */
export type WalletVersions = Wallet[]

/** Result of the invariant check behind `ledger audit`. */
export interface AuditReport {
  ok: boolean
  violations: string[]
  checked: { wallets: number; records: number; transactions: number }
  supply: string
  minted: string
}

export interface LedgerStatus {
  backend: 'embedded' | 'canton'
  party: string
  ready: boolean
  detail: string
}

export interface LedgerClient {
  readonly backend: 'embedded' | 'canton'
  status(): Promise<LedgerStatus>
  /** Creates the agent's wallet unless one exists; an existing wallet is returned unchanged. */
  createWallet(req: CreateWalletRequest): Promise<CreateWalletResult>
  /** The active wallet of an agent, or null. Never creates one. */
  getWallet(agent: string): Promise<Wallet | null>
  listWallets(): Promise<Wallet[]>
  /** Every contract version of the agent's wallet, archived ones included. */
  walletVersions(agent: string): Promise<WalletVersions>
  /** Exercises `Transfer`. Rejections throw LedgerError/UserInputError and change nothing. */
  transfer(req: TransferRequest): Promise<TransferResult>
  /** Transfer records touching `agent` (all when omitted), newest first. */
  history(agent?: string, limit?: number): Promise<TransferRecord[]>
  metrics(): Promise<SystemMetrics>
  events(query?: EventQuery): Promise<LedgerEvent[]>
  audit(): Promise<AuditReport>
  /**
   * An opaque token that changes whenever a transaction commits, in this or any other process on
   * the same ledger. Ledger reads may be cached only against it (see `ToolSpec.ledgerRead`); a
   * backend without it gets no cached reads.
   */
  revision?(): Promise<string>
  close(): Promise<void>
}

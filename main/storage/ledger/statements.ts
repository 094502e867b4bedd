import type Database from 'better-sqlite3'
import type { SqliteDatabase } from '../sqliteStore'
import { lazily } from '../lazyStatements'

/** Row shapes of the ledger tables. */
export interface WalletRow {
  contract_id: string
  party: string
  agent: string
  balance: string
  created: number
  version: number
  created_tx: string
  archived_tx: string | null
}

export interface RecordRow {
  contract_id: string
  party: string
  from_agent: string
  to_agent: string
  amount: string
  reason: string
  timestamp: number
  tx_id: string
  offset: number
}

export interface MetricsRow {
  contract_id: string
  party: string
  total_volume: string
  transaction_count: number
  last_updated: number
  minted: string
  created_tx: string
  archived_tx: string | null
}

export interface TxRow {
  offset: number
  tx_id: string
  command_id: string
  act_as: string
  kind: string
  agent_a: string | null
  agent_b: string | null
  committed_at: string
  details: string
}

/** Every statement the embedded ledger runs, prepared once per connection, each on its first use. */
export function prepareLedgerStatements(db: SqliteDatabase) {
  const s = <R = unknown>(sql: string) => () => db.prepare(sql) as Database.Statement<unknown[], R>
  return lazily({
    commandResult: s<{ tx_id: string; kind: string; details: string; committed_at: string }>(
      'SELECT tx_id, kind, details, committed_at FROM ledger_transactions WHERE act_as = ? AND command_id = ?',
    ),
    insertTx: s(
      `INSERT INTO ledger_transactions (tx_id, command_id, act_as, kind, agent_a, agent_b, committed_at, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    /** Archives the two wallets a transfer consumes. */
    archiveWalletPair: s('UPDATE ledger_wallets SET archived_tx = ? WHERE contract_id IN (?, ?) AND archived_tx IS NULL'),
    insertWalletPair: s(
      `INSERT INTO ledger_wallets (contract_id, party, agent, balance, created, version, created_tx, archived_tx)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL), (?, ?, ?, ?, ?, ?, ?, NULL)`,
    ),
    activeWallet: s<WalletRow>('SELECT * FROM ledger_wallets WHERE party = ? AND agent = ? AND archived_tx IS NULL'),
    activeWallets: s<WalletRow>('SELECT * FROM ledger_wallets WHERE party = ? AND archived_tx IS NULL ORDER BY agent'),
    walletVersions: s<WalletRow>('SELECT * FROM ledger_wallets WHERE party = ? AND agent = ? ORDER BY version'),
    allWalletVersions: s<WalletRow>('SELECT * FROM ledger_wallets WHERE party = ? ORDER BY agent, version'),
    insertWallet: s(
      `INSERT INTO ledger_wallets (contract_id, party, agent, balance, created, version, created_tx, archived_tx)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
    ),
    insertRecord: s(
      `INSERT INTO ledger_transfer_records (contract_id, party, from_agent, to_agent, amount, reason, timestamp, tx_id, offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    historyAll: s<RecordRow>('SELECT * FROM ledger_transfer_records WHERE party = ? ORDER BY offset DESC LIMIT ?'),
    historyOf: s<RecordRow>(
      `SELECT * FROM (
         SELECT * FROM ledger_transfer_records WHERE party = @party AND from_agent = @agent
         UNION ALL
         SELECT * FROM ledger_transfer_records WHERE party = @party AND to_agent = @agent
       ) ORDER BY offset DESC LIMIT @limit`,
    ),
    allRecords: s<RecordRow>('SELECT * FROM ledger_transfer_records WHERE party = ? ORDER BY offset'),
    activeMetrics: s<MetricsRow>('SELECT * FROM ledger_metrics WHERE party = ?'),
    upsertMetrics: s(
      `INSERT INTO ledger_metrics (party, contract_id, total_volume, transaction_count, last_updated, minted, created_tx, archived_tx)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (party) DO UPDATE SET total_volume = excluded.total_volume, transaction_count = excluded.transaction_count,
         last_updated = excluded.last_updated, minted = excluded.minted, created_tx = excluded.created_tx`,
    ),
    /** Highest committed offset (the ledger's revision). */
    lastOffset: () => (db.prepare('SELECT MAX(offset) FROM ledger_transactions') as Database.Statement<unknown[], number | null>).pluck(),
    allTx: s<TxRow>('SELECT * FROM ledger_transactions WHERE act_as = ? ORDER BY offset'),
  })
}

export type LedgerStatements = ReturnType<typeof prepareLedgerStatements>

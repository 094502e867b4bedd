import type Database from 'better-sqlite3'

/** What a database holds, in the words a user checks after a backup or restore. */
export interface DatabaseSummary {
  schemaVersion: number
  conversations: number
  /** Active wallets (the current version of each agent's wallet). */
  wallets: number
  rollouts: number
  ledgerTransactions: number
}

const COUNTS: Record<Exclude<keyof DatabaseSummary, 'schemaVersion'>, [table: string, sql: string]> = {
  conversations: ['conversations', 'SELECT count(*) FROM conversations'],
  wallets: ['ledger_wallets', 'SELECT count(*) FROM ledger_wallets WHERE archived_tx IS NULL'],
  rollouts: ['rollouts', 'SELECT count(*) FROM rollouts'],
  ledgerTransactions: ['ledger_transactions', 'SELECT count(*) FROM ledger_transactions'],
}

/** Counts of `db` (0 for a table an old schema does not have yet). */
export function summarizeDatabase(db: Database.Database): DatabaseSummary {
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]))
  const count = ([table, sql]: [string, string]): number => (tables.has(table) ? Number(db.prepare(sql).pluck().get()) : 0)
  return {
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    conversations: count(COUNTS.conversations),
    wallets: count(COUNTS.wallets),
    rollouts: count(COUNTS.rollouts),
    ledgerTransactions: count(COUNTS.ledgerTransactions),
  }
}

/** "3 conversations, 4 wallets, 1 rollout, 12 ledger transactions". */
export function describeSummary(s: DatabaseSummary): string {
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`
  return [n(s.conversations, 'conversation'), n(s.wallets, 'wallet'), n(s.rollouts, 'rollout'), n(s.ledgerTransactions, 'ledger transaction')].join(', ')
}

/** "1.2 MB" style sizes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

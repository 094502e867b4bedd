import type { Migration } from './types'

/** v1: the embedded ledger. Archived contract versions are kept (archived_tx set), never deleted. */
export const ledgerMigration: Migration = {
  version: 1,
  name: 'ledger',
  sql: `
CREATE TABLE ledger_transactions (
  offset        INTEGER PRIMARY KEY AUTOINCREMENT,
  tx_id         TEXT NOT NULL UNIQUE CHECK (length(tx_id) > 0),
  command_id    TEXT NOT NULL CHECK (length(command_id) > 0),
  act_as        TEXT NOT NULL,
  kind          TEXT NOT NULL,
  agent_a       TEXT,
  agent_b       TEXT,
  committed_at  TEXT NOT NULL,
  details       TEXT NOT NULL, -- JSON event details with schemaVersion; also the result a resubmitted command gets
  UNIQUE (act_as, command_id)
);

CREATE TABLE ledger_wallets (
  contract_id  TEXT PRIMARY KEY,
  party        TEXT NOT NULL,
  agent        TEXT NOT NULL,
  balance      TEXT NOT NULL,
  created      INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  created_tx   TEXT NOT NULL,
  archived_tx  TEXT
);
CREATE UNIQUE INDEX ledger_wallets_active ON ledger_wallets(party, agent) WHERE archived_tx IS NULL;
CREATE INDEX ledger_wallets_versions ON ledger_wallets(party, agent, version);

CREATE TABLE ledger_transfer_records (
  contract_id  TEXT PRIMARY KEY,
  party        TEXT NOT NULL,
  from_agent   TEXT NOT NULL,
  to_agent     TEXT NOT NULL,
  amount       TEXT NOT NULL,
  reason       TEXT NOT NULL,
  timestamp    INTEGER NOT NULL,
  tx_id        TEXT NOT NULL,
  offset       INTEGER NOT NULL
);
CREATE INDEX ledger_records_from ON ledger_transfer_records(party, from_agent, offset);
CREATE INDEX ledger_records_to ON ledger_transfer_records(party, to_agent, offset);

-- SystemMetrics: one row per party, updated in place by every transfer (its history is the
-- transfer records themselves); created_tx names the transaction of the last update.
CREATE TABLE ledger_metrics (
  party              TEXT PRIMARY KEY,
  contract_id        TEXT NOT NULL,
  total_volume       TEXT NOT NULL,
  transaction_count  INTEGER NOT NULL,
  last_updated       INTEGER NOT NULL,
  minted             TEXT NOT NULL,
  created_tx         TEXT NOT NULL,
  archived_tx        TEXT
) WITHOUT ROWID;
`,
}

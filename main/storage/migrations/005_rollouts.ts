import type { Migration } from './types'

/** v5: rollouts and their variants (one row per variant: the unit of work, resume and results). */
export const rolloutsMigration: Migration = {
  version: 5,
  name: 'rollouts',
  sql: `
CREATE TABLE rollouts (
  id           TEXT PRIMARY KEY,
  spec_file    TEXT NOT NULL,
  spec         TEXT NOT NULL,           -- JSON: the parsed spec and run options, with schemaVersion
  status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  created_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  ledger_before TEXT,                   -- JSON ledger snapshot, with schemaVersion
  ledger_after  TEXT
) WITHOUT ROWID;

CREATE TABLE rollout_variants (
  rollout_id      TEXT NOT NULL REFERENCES rollouts(id),
  team            TEXT NOT NULL,
  variant_id      TEXT NOT NULL,
  position        INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  conversation_id TEXT,
  overrides       TEXT NOT NULL,        -- JSON: the merged variant
  metrics         TEXT,                 -- JSON: the result row, with schemaVersion
  error           TEXT,
  started_at      INTEGER,
  finished_at     INTEGER,
  PRIMARY KEY (rollout_id, team, variant_id)
) WITHOUT ROWID;

CREATE INDEX rollouts_created ON rollouts(created_at);
`,
}

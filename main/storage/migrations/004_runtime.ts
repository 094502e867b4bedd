import type { Migration } from './types'

/** v4: runtime overrides, model recordings (record/replay), tool result cache, dedup windows. */
export const runtimeMigration: Migration = {
  version: 4,
  name: 'runtime',
  sql: `
CREATE TABLE agent_overrides (
  conversation_id TEXT NOT NULL,
  agent_id        TEXT NOT NULL,
  doc             TEXT NOT NULL,
  locked          INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE model_recordings (
  hash         TEXT NOT NULL,
  ordinal      INTEGER NOT NULL,
  model        TEXT NOT NULL,
  doc          TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  PRIMARY KEY (hash, ordinal)
) WITHOUT ROWID;

CREATE TABLE tool_cache (
  key         TEXT PRIMARY KEY,
  doc         TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dedup_seen (
  key         TEXT PRIMARY KEY,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
`,
}

import type { Migration } from './types'

/**
 * v2: artifacts. Headers are the hot, indexed table; payloads live in their own table so scans
 * over headers never page through large JSON. Tags and parent links are side tables. Refs are
 * a per-process prefix plus a counter, so the WITHOUT ROWID primary key grows at its end.
 */
export const artifactsMigration: Migration = {
  version: 2,
  name: 'artifacts',
  sql: `
CREATE TABLE artifacts (
  ref          TEXT PRIMARY KEY,
  session_id   TEXT NOT NULL,
  agent_id     TEXT NOT NULL,
  branch_id    TEXT NOT NULL,
  episode_id   TEXT NOT NULL,
  step_idx     INTEGER NOT NULL,
  type         TEXT NOT NULL,
  role         TEXT NOT NULL,
  state_kind   TEXT,
  state_id     TEXT,
  mime         TEXT NOT NULL,
  ts           INTEGER NOT NULL,
  score        REAL,
  reward       REAL,
  raw_len      INTEGER NOT NULL,
  header       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX artifacts_session_ts ON artifacts(session_id, ts);
CREATE INDEX artifacts_session_branch_step ON artifacts(session_id, branch_id, step_idx);
-- State artifacts (the bulk) are found through their session; the other types also across sessions.
CREATE INDEX artifacts_type_ts ON artifacts(type, ts) WHERE type <> 'state';
CREATE INDEX artifacts_state_id ON artifacts(session_id, agent_id, state_id) WHERE state_id IS NOT NULL;

CREATE TABLE artifact_payloads (
  ref   TEXT PRIMARY KEY REFERENCES artifacts(ref) ON DELETE CASCADE,
  body  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE artifact_tags (
  tag  TEXT NOT NULL,
  ref  TEXT NOT NULL REFERENCES artifacts(ref) ON DELETE CASCADE,
  PRIMARY KEY (tag, ref)
) WITHOUT ROWID;

CREATE TABLE artifact_relations (
  child_ref   TEXT NOT NULL REFERENCES artifacts(ref) ON DELETE CASCADE,
  parent_ref  TEXT NOT NULL,
  position    INTEGER NOT NULL,
  PRIMARY KEY (child_ref, parent_ref)
) WITHOUT ROWID;
CREATE INDEX artifact_relations_parent ON artifact_relations(parent_ref);
`,
}

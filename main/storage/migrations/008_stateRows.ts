import type { Migration } from './types'

/**
 * v8: each state is stored once. A stack entry row carries its state (the `state` JSON column,
 * schemaVersion'd) and the header fields of its `state` artifact (episode, step, state id,
 * score, reward, header JSON); the artifact view of it is derived (`all_artifacts`), not a
 * second header + payload + tags + links write. Entries copied to a child branch by a rewind or
 * a branch deletion are marked `copied` (the artifact is the original row). `artifacts` keeps
 * the other artifacts (metrics, evaluations, ledger events, …) with their payload inline in
 * `body`, and the states that left every stack (rewound, pruned, deleted conversations), so
 * artifacts stay an append-only record. Tags are read from the header JSON; `artifact_tags` and
 * `artifact_payloads` become views of the same names for SQL readers.
 */
export const stateRowsMigration: Migration = {
  version: 8,
  name: 'state_rows',
  sql: `
ALTER TABLE artifacts ADD COLUMN body TEXT;
UPDATE artifacts SET body = (SELECT p.body FROM artifact_payloads p WHERE p.ref = artifacts.ref);

CREATE TABLE stack_entries_v8 (
  conversation_id  TEXT NOT NULL,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  idx              INTEGER NOT NULL,
  ts               INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  ref              TEXT NOT NULL,
  copied           INTEGER NOT NULL DEFAULT 0, -- 1: a copy kept for a child branch; its artifact is another row
  episode_id       TEXT NOT NULL,
  step_idx         INTEGER NOT NULL,
  state_id         TEXT,                       -- ToolCall id / AgentCall correlation id
  score            REAL,
  reward           REAL,
  header           TEXT NOT NULL,              -- artifact header extras JSON (tags, parentRefs, provenance, meta)
  state            TEXT NOT NULL,              -- the state JSON, with schemaVersion
  PRIMARY KEY (conversation_id, agent_id, branch_id, idx),  -- a rowid table: new rows are appended
  FOREIGN KEY (conversation_id, agent_id, branch_id) REFERENCES stack_branches(conversation_id, agent_id, branch_id) ON DELETE CASCADE
);
INSERT INTO stack_entries_v8
  SELECT e.conversation_id, e.agent_id, e.branch_id, e.idx, e.ts, e.kind, e.ref,
         CASE WHEN a.branch_id = e.branch_id THEN 0 ELSE 1 END,
         a.episode_id, a.step_idx, a.state_id, a.score, a.reward, a.header, a.body
    FROM stack_entries e JOIN artifacts a ON a.ref = e.ref;
DROP TABLE stack_entries;
ALTER TABLE stack_entries_v8 RENAME TO stack_entries;
CREATE INDEX stack_entries_ref ON stack_entries(ref);

-- The states now in stack rows leave the artifact tables (their links are in their header JSON).
DELETE FROM artifact_relations WHERE child_ref IN (SELECT ref FROM stack_entries WHERE copied = 0);
DROP TABLE artifact_payloads;
DROP TABLE artifact_tags;
-- Links no longer name only \`artifacts\` rows (an evaluation links to a state row): no foreign key.
CREATE TABLE artifact_relations_v8 (
  child_ref   TEXT NOT NULL,
  parent_ref  TEXT NOT NULL,
  position    INTEGER NOT NULL,
  PRIMARY KEY (child_ref, parent_ref)
) WITHOUT ROWID;
INSERT INTO artifact_relations_v8 SELECT child_ref, parent_ref, position FROM artifact_relations;
DROP TABLE artifact_relations;
ALTER TABLE artifact_relations_v8 RENAME TO artifact_relations;
CREATE INDEX artifact_relations_parent ON artifact_relations(parent_ref);

-- A rowid table: rows with their payload inline are appended (a WITHOUT ROWID table re-balances
-- three pages at every split). Session queries use (session_id, branch_id, step_idx).
CREATE TABLE artifacts_v8 (
  ref          TEXT NOT NULL UNIQUE,
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
  header       TEXT NOT NULL,
  body         TEXT NOT NULL
);
INSERT INTO artifacts_v8 (ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body)
  SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body
    FROM artifacts WHERE ref NOT IN (SELECT ref FROM stack_entries WHERE copied = 0)
   ORDER BY ts, step_idx, ref;
DROP TABLE artifacts;
ALTER TABLE artifacts_v8 RENAME TO artifacts;
CREATE INDEX artifacts_session_branch_step ON artifacts(session_id, branch_id, step_idx);
-- State artifacts kept here (rewound, pruned, deleted) are found through their session; the other types also across sessions.
CREATE INDEX artifacts_type_ts ON artifacts(type, ts) WHERE type <> 'state';
CREATE INDEX artifacts_state_id ON artifacts(session_id, agent_id, state_id) WHERE state_id IS NOT NULL;

CREATE VIEW all_artifacts AS
  SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts,
         score, reward, raw_len, header, body
    FROM artifacts
  UNION ALL
  SELECT ref, conversation_id, agent_id, branch_id, episode_id, step_idx, 'state', 'state', kind, state_id,
         'application/json', ts, score, reward, length(CAST(state AS BLOB)), header, state
    FROM stack_entries WHERE copied = 0;
CREATE VIEW artifact_payloads AS SELECT ref, body FROM all_artifacts;
CREATE VIEW artifact_tags AS SELECT t.value AS tag, a.ref AS ref FROM all_artifacts a, json_each(a.header, '$.tags') t;
`,
}

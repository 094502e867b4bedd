import type { Migration } from './types'

/**
 * v13: integer stack keys. `conversations.seq` (an INTEGER PRIMARY KEY: the rowid it always had,
 * now stable) and `stack_branches.stack_no` (the stack's number within its conversation) make
 * `stack_entries.key = seq · 2^36 + stack_no · 2^20 + idx` (main/storage/stacks/entryKeys.ts). A
 * branch's rows, and a conversation's, are one key range of the table itself, so the
 * (conversation, agent, branch, idx) index is gone, and with it one B-tree write per entry.
 * A new state's ref names its key, so the ref indexes keep only refs of another form (older rows,
 * imports, copies kept for a child branch): a push writes neither. Entries no longer carry a foreign
 * key: the stack store deletes a branch's rows by key range before the branch.
 * Runs with foreign keys off (tables are rebuilt), checked before it commits.
 */
export const stackKeysMigration: Migration = {
  version: 13,
  name: 'stack_keys',
  rebuildsTables: true,
  sql: `
DROP VIEW artifact_tags;
DROP VIEW artifact_payloads;
DROP VIEW all_artifacts;

CREATE TABLE conversations_v13 (
  seq         INTEGER PRIMARY KEY,   -- the conversation's part of its entry keys
  id          TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL UNIQUE,
  root_agent  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  metadata    TEXT NOT NULL
);
INSERT INTO conversations_v13 (seq, id, name, root_agent, created_at, metadata)
  SELECT rowid, id, name, root_agent, created_at, metadata FROM conversations ORDER BY rowid;
DROP TABLE conversations;
ALTER TABLE conversations_v13 RENAME TO conversations;

ALTER TABLE stack_branches ADD COLUMN stack_no INTEGER NOT NULL DEFAULT 0;
UPDATE stack_branches SET stack_no = n.no
  FROM (SELECT conversation_id, agent_id, branch_id,
               ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY created_at, agent_id, branch_id) - 1 AS no
          FROM stack_branches) n
 WHERE n.conversation_id = stack_branches.conversation_id AND n.agent_id = stack_branches.agent_id AND n.branch_id = stack_branches.branch_id;

CREATE TABLE stack_entries_v13 (
  key              INTEGER PRIMARY KEY,        -- seq * 2^36 + stack_no * 2^20 + idx
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
  call_ref         TEXT,                       -- the model call answered by this state (migration 009)
  call_header      TEXT,
  call_body        TEXT
);
INSERT INTO stack_entries_v13
  SELECT c.seq * 68719476736 + b.stack_no * 1048576 + e.idx, e.conversation_id, e.agent_id, e.branch_id, e.idx, e.ts, e.kind, e.ref,
         e.copied, e.episode_id, e.step_idx, e.state_id, e.score, e.reward, e.header, e.state, e.call_ref, e.call_header, e.call_body
    FROM stack_entries e
    JOIN stack_branches b ON b.conversation_id = e.conversation_id AND b.agent_id = e.agent_id AND b.branch_id = e.branch_id
    JOIN conversations c ON c.id = e.conversation_id
   ORDER BY 1;
DROP TABLE stack_entries;
ALTER TABLE stack_entries_v13 RENAME TO stack_entries;
-- Only refs that do not name their row's key (see entryKeys.ts refNotDerived): a new push writes none.
CREATE INDEX stack_entries_ref ON stack_entries(ref)
  WHERE (substr(ref, 1, 8) <> '5747e000' OR substr(ref, 17) <> printf('%016x', key));
CREATE INDEX stack_entries_call_ref ON stack_entries(call_ref)
  WHERE call_ref IS NOT NULL AND (substr(call_ref, 1, 8) <> '5747e001' OR substr(call_ref, 17) <> printf('%016x', key));

CREATE VIEW all_artifacts AS
  SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts,
         score, reward, raw_len, header, body
    FROM artifacts
  UNION ALL
  SELECT ref, conversation_id, agent_id, branch_id, episode_id, step_idx, 'state', 'state', kind, state_id,
         'application/json', ts, score, reward, length(CAST(state AS BLOB)), header, state
    FROM stack_entries WHERE copied = 0
  UNION ALL
  SELECT call_ref, conversation_id, agent_id, branch_id, '', step_idx - 1, 'metrics', 'model_call', NULL, NULL,
         'application/json', ts, NULL, NULL, length(CAST(call_body AS BLOB)), call_header, call_body
    FROM stack_entries WHERE copied = 0 AND call_ref IS NOT NULL;
CREATE VIEW artifact_payloads AS SELECT ref, body FROM all_artifacts;
CREATE VIEW artifact_tags AS SELECT t.value AS tag, a.ref AS ref FROM all_artifacts a, json_each(a.header, '$.tags') t;
`,
}

import type { Migration } from './types'

/**
 * v3: conversations and interaction stacks. A branch row points at its parent and the last
 * inherited index, so a fork copies nothing; `stack_entries` holds only each branch's own
 * entries (logical index, time, kind, artifact ref). Payloads are the state artifacts' payloads.
 */
export const stacksMigration: Migration = {
  version: 3,
  name: 'stacks',
  sql: `
CREATE TABLE conversations (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  root_agent  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  metadata    TEXT NOT NULL
);

CREATE TABLE stack_branches (
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  parent_branch    TEXT,
  fork_index       INTEGER,
  length           INTEGER NOT NULL,
  last_ts          INTEGER,
  episode_id       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, agent_id, branch_id),
  CHECK ((parent_branch IS NULL) = (fork_index IS NULL))
) WITHOUT ROWID;

CREATE TABLE stack_current (
  conversation_id  TEXT NOT NULL,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  PRIMARY KEY (conversation_id, agent_id),
  FOREIGN KEY (conversation_id, agent_id, branch_id) REFERENCES stack_branches(conversation_id, agent_id, branch_id)
) WITHOUT ROWID;

CREATE TABLE stack_entries (
  conversation_id  TEXT NOT NULL,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  idx              INTEGER NOT NULL,
  ts               INTEGER NOT NULL,
  kind             TEXT NOT NULL,
  ref              TEXT NOT NULL REFERENCES artifacts(ref),
  PRIMARY KEY (conversation_id, agent_id, branch_id, idx),
  FOREIGN KEY (conversation_id, agent_id, branch_id) REFERENCES stack_branches(conversation_id, agent_id, branch_id) ON DELETE CASCADE
) WITHOUT ROWID;
`,
}

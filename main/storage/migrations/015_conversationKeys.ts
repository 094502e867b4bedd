import type { Migration } from './types'

/**
 * v15: a new conversation and its first branch write no index. A generated conversation id names
 * the conversation's `seq` (main/storage/stacks/conversationIds.ts), so it is found through the
 * table's own key; only ids of another form (given by the caller, rollout variants, imports, every
 * row from before) go into the partial unique index `conversations_other_id`. A branch row's key
 * is its stack's first entry key (`seq · 2^36 + stack_no · 2^20`), so the branches of a
 * conversation are one key range and the (conversation, agent, branch) index is gone; the stack
 * store checks that triple before it inserts one. Neither the foreign key of `stack_branches` to
 * `conversations(id)` nor that of `stack_current` to the branch triple can stay (each needs a
 * unique index on the columns it names): deleting a conversation deletes its rows by key range, as
 * it already did for entries. Runs with foreign keys off (tables are rebuilt), checked before it commits.
 */
export const conversationKeysMigration: Migration = {
  version: 15,
  name: 'conversation_keys',
  rebuildsTables: true,
  sql: `
CREATE TABLE stack_branches_v15 (
  key              INTEGER PRIMARY KEY,   -- the first entry key of the stack: seq * 2^36 + stack_no * 2^20
  conversation_id  TEXT NOT NULL,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  parent_branch    TEXT,
  fork_index       INTEGER,
  length           INTEGER NOT NULL,
  last_ts          INTEGER,
  episode_id       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  CHECK ((parent_branch IS NULL) = (fork_index IS NULL))
);
INSERT INTO stack_branches_v15 (key, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
  SELECT c.seq * 68719476736 + b.stack_no * 1048576, b.conversation_id, b.agent_id, b.branch_id, b.parent_branch, b.fork_index,
         b.length, b.last_ts, b.episode_id, b.created_at
    FROM stack_branches b JOIN conversations c ON c.id = b.conversation_id
   ORDER BY 1;
DROP TABLE stack_branches;
ALTER TABLE stack_branches_v15 RENAME TO stack_branches;

CREATE TABLE stack_current_v15 (
  conversation_id  TEXT NOT NULL,
  agent_id         TEXT NOT NULL,
  branch_id        TEXT NOT NULL,
  PRIMARY KEY (conversation_id, agent_id)
) WITHOUT ROWID;
INSERT INTO stack_current_v15 SELECT conversation_id, agent_id, branch_id FROM stack_current;
DROP TABLE stack_current;
ALTER TABLE stack_current_v15 RENAME TO stack_current;

CREATE TABLE conversations_v15 (
  seq         INTEGER PRIMARY KEY,   -- the conversation's part of its entry and branch keys
  id          TEXT NOT NULL,         -- unique: by seq when it names it, else conversations_other_id
  name        TEXT NOT NULL UNIQUE,
  root_agent  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  metadata    TEXT NOT NULL
);
INSERT INTO conversations_v15 (seq, id, name, root_agent, created_at, metadata)
  SELECT seq, id, name, root_agent, created_at, metadata FROM conversations ORDER BY seq;
DROP TABLE conversations;
ALTER TABLE conversations_v15 RENAME TO conversations;
-- The ids that do not name their seq (conversationIds.ts idNotDerived): every row from before.
CREATE UNIQUE INDEX conversations_other_id ON conversations(id)
  WHERE NOT (id GLOB 'chat_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
             AND substr(id, 21, 3) || substr(id, 26, 3) || substr(id, 30, 3) = printf('%09d', seq));
`,
}

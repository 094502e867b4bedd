import type { Migration } from './types'

/**
 * v17: forked branches are found through an index again. Since v15 no index holds the
 * (conversation, agent, branch) triple, so finding one branch read the conversation's branch rows
 * (a key range). This partial unique index holds forked branches only (`parent_branch` set): a fork
 * is a rare, deliberate write, while a main branch is created by an agent's first push, on the hot
 * path, and stays out of it. It also makes SQLite refuse a second fork with the same triple.
 */
export const forkIndexMigration: Migration = {
  version: 17,
  name: 'fork_index',
  sql: `
CREATE UNIQUE INDEX stack_branches_forks ON stack_branches(conversation_id, agent_id, branch_id) WHERE parent_branch IS NOT NULL;
`,
}

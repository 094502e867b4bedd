import type { SqliteDatabase } from '../sqliteStore'

/** A `stack_branches` row. */
export interface BranchRow {
  conversation_id: string
  agent_id: string
  branch_id: string
  parent_branch: string | null
  fork_index: number | null
  length: number
  last_ts: number | null
  episode_id: string
  created_at: number
}

/** A `stack_entries` row joined with its payload. */
export interface EntryRow {
  idx: number
  ts: number
  ref: string
  body: string
}

export interface ConversationRow {
  id: string
  name: string
  root_agent: string
  created_at: number
  metadata: string
}

/** Prepared once per store: the push path runs only these. */
export function prepareStackStatements(db: SqliteDatabase) {
  return {
    branch: db.prepare('SELECT * FROM stack_branches WHERE conversation_id = ? AND agent_id = ? AND branch_id = ?'),
    /** The checked-out branch (main when no pointer) in one lookup: the push hot path. */
    currentRow: db.prepare(
      `SELECT * FROM stack_branches WHERE conversation_id = @c AND agent_id = @a AND branch_id =
         COALESCE((SELECT branch_id FROM stack_current WHERE conversation_id = @c AND agent_id = @a), 'main')`,
    ),
    branches: db.prepare(
      `SELECT * FROM stack_branches WHERE conversation_id = ? AND agent_id = ?
       ORDER BY branch_id <> 'main', created_at, branch_id`,
    ),
    children: db.prepare('SELECT * FROM stack_branches WHERE conversation_id = ? AND agent_id = ? AND parent_branch = ?'),
    insertBranch: db.prepare(
      `INSERT INTO stack_branches (conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTail: db.prepare(
      'UPDATE stack_branches SET length = ?, last_ts = ? WHERE conversation_id = ? AND agent_id = ? AND branch_id = ?',
    ),
    updateAfterRewind: db.prepare(
      `UPDATE stack_branches SET length = ?, last_ts = ?, fork_index = ?, episode_id = ?
       WHERE conversation_id = ? AND agent_id = ? AND branch_id = ?`,
    ),
    reparent: db.prepare(
      'UPDATE stack_branches SET parent_branch = ?, fork_index = ? WHERE conversation_id = ? AND agent_id = ? AND branch_id = ?',
    ),
    deleteBranch: db.prepare('DELETE FROM stack_branches WHERE conversation_id = ? AND agent_id = ? AND branch_id = ?'),
    current: db.prepare('SELECT branch_id FROM stack_current WHERE conversation_id = ? AND agent_id = ?').pluck(),
    setCurrent: db.prepare(
      `INSERT INTO stack_current (conversation_id, agent_id, branch_id) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id, agent_id) DO UPDATE SET branch_id = excluded.branch_id`,
    ),
    clearCurrent: db.prepare('DELETE FROM stack_current WHERE conversation_id = ? AND agent_id = ?'),
    insertEntry: db.prepare(
      'INSERT INTO stack_entries (conversation_id, agent_id, branch_id, idx, ts, kind, ref) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    entries: db.prepare(
      `SELECT e.idx, e.ts, e.ref, p.body FROM stack_entries e JOIN artifact_payloads p ON p.ref = e.ref
       WHERE e.conversation_id = ? AND e.agent_id = ? AND e.branch_id = ? AND e.idx BETWEEN ? AND ? ORDER BY e.idx`,
    ),
    entryTs: db
      .prepare('SELECT ts FROM stack_entries WHERE conversation_id = ? AND agent_id = ? AND branch_id = ? AND idx = ?')
      .pluck(),
    copyEntries: db.prepare(
      `INSERT INTO stack_entries (conversation_id, agent_id, branch_id, idx, ts, kind, ref)
       SELECT conversation_id, agent_id, ?, idx, ts, kind, ref FROM stack_entries
       WHERE conversation_id = ? AND agent_id = ? AND branch_id = ? AND idx BETWEEN ? AND ?`,
    ),
    deleteEntriesAfter: db.prepare(
      'DELETE FROM stack_entries WHERE conversation_id = ? AND agent_id = ? AND branch_id = ? AND idx > ?',
    ),
    conversationById: db.prepare('SELECT * FROM conversations WHERE id = ?'),
    conversationByName: db.prepare('SELECT * FROM conversations WHERE name = ?'),
    conversations: db.prepare('SELECT * FROM conversations ORDER BY created_at, name'),
    insertConversation: db.prepare(
      'INSERT INTO conversations (id, name, root_agent, created_at, metadata) VALUES (?, ?, ?, ?, ?)',
    ),
    agents: db
      .prepare(
        `SELECT agent_id FROM stack_branches WHERE conversation_id = ? GROUP BY agent_id ORDER BY MIN(created_at), agent_id`,
      )
      .pluck(),
  }
}

export type StackStatements = ReturnType<typeof prepareStackStatements>

import { MAIN_BRANCH } from '../../engine/schema/states'
import type { SqliteDatabase } from '../sqliteStore'
import { callHeaderSql, entryHeaderSql } from '../artifacts/entryHeader'
import { BRANCH_KEY_OF, branchKeyParts, BRANCHES_OF_CONVERSATION, FORKS_OF_CONVERSATION, KEY_BETWEEN, keyWithinConversation, keyWithinStack, KEY_OF, NEXT_SEQ, NEXT_STACK_NO, SEQ_UNIT, STACK_UNIT } from './entryKeys'
import { idNotDerived, SEQ_OF_ID } from './conversationIds'

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
  /** The conversation's `seq` and this stack's number in it: the parts of its entry keys (see entryKeys.ts). */
  seq: number
  stack_no: number
}

/** The stack part of a `stack_entries` row: index, time, artifact ref and the state JSON. */
export interface EntryRow {
  idx: number
  ts: number
  ref: string
  state: string
}

/**
 * Keeps the states of the `stack_entries` rows matching `where` as artifacts before they are
 * deleted, and the model-call metrics stored in them.
 */
const archive = (where: string) => `WITH e AS (SELECT * FROM stack_entries WHERE copied = 0 AND ${where})
  INSERT OR IGNORE INTO artifacts
    (ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body)
  SELECT ref, conversation_id, agent_id, branch_id, episode_id, step_idx, 'state', 'state', kind, state_id, 'application/json', ts,
         score, reward, length(CAST(state AS BLOB)), ${entryHeaderSql()}, state
    FROM e
  UNION ALL
  SELECT call_ref, conversation_id, agent_id, branch_id, '', step_idx - 1, 'metrics', 'model_call', NULL, NULL, 'application/json', ts,
         NULL, NULL, length(CAST(call_body AS BLOB)), ${callHeaderSql()}, call_body
    FROM e WHERE call_ref IS NOT NULL`

/** The causal link of the archived states (a live state keeps it in its header JSON only). */
const archiveLinks = (where: string) => `INSERT OR IGNORE INTO artifact_relations (child_ref, parent_ref, position)
  SELECT e.ref, p.value, p.key FROM stack_entries e, json_each(${entryHeaderSql('e.header')}, '$.parentRefs') p WHERE e.copied = 0 AND ${where}`

export interface ConversationRow {
  /** The conversation's part of its entry keys. */
  seq: number
  id: string
  name: string
  root_agent: string
  created_at: number
  metadata: string
}

/**
 * A branch row with its tail: `length` and `last_ts` come from the branch's newest own entry row
 * (a push writes no branch update); the stored columns hold them as of the fork or rewind, for a
 * branch with no own entries since.
 */
const branchSelect = (from: string) => `SELECT b.conversation_id, b.agent_id, b.branch_id, b.parent_branch, b.fork_index,
    COALESCE(t.idx + 1, b.length) AS length, COALESCE(t.ts, b.last_ts) AS last_ts, b.episode_id, b.created_at, ${branchKeyParts('b')}
  FROM ${from}
  LEFT JOIN stack_entries t
    ON t.key = (SELECT m.key FROM stack_entries m WHERE ${keyWithinStack('m.key', 'b.key')} ORDER BY m.key DESC LIMIT 1)`
const BRANCH = branchSelect(BRANCHES_OF_CONVERSATION)
const FORK = branchSelect(FORKS_OF_CONVERSATION)

/** SQL: the branch row of (seq, stack_no), two `?` parameters. */
const BRANCH_ROW = `key = ${BRANCH_KEY_OF}`

/** Prepared once per store: the push path runs only these. */
export function prepareStackStatements(db: SqliteDatabase) {
  return {
    /** (conversation, agent, branch): any branch, from the conversation's range; see {@link findBranchRow}. One row at most: stop at it. */
    branchInRange: db.prepare(`${BRANCH} WHERE b.agent_id = ? AND b.branch_id = ? LIMIT 1`),
    /** (conversation, agent, branch): a forked branch, through the partial index of migration 017. */
    fork: db.prepare(`${FORK} WHERE b.agent_id = ? AND b.branch_id = ? AND b.parent_branch IS NOT NULL`),
    branches: db.prepare(
      `${BRANCH} WHERE b.agent_id = ?
       ORDER BY b.branch_id <> 'main', b.created_at, b.branch_id`,
    ),
    children: db.prepare(`${FORK} WHERE b.agent_id = ? AND b.parent_branch = ?`),
    /** (seq, stack_no, conversation, agent, branch, parent, fork index, length, last ts, episode, created at). */
    insertBranch: db.prepare(
      `INSERT INTO stack_branches (key, conversation_id, agent_id, branch_id, parent_branch, fork_index, length, last_ts, episode_id, created_at)
       VALUES (${BRANCH_KEY_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    /** The next free stack number of a conversation (seq, seq); an INSERT … RETURNING it cost ~15 µs more than this read. */
    nextStackNo: db.prepare(NEXT_STACK_NO).pluck(),
    /** (length, last ts, fork index, episode, seq, stack_no). */
    updateAfterRewind: db.prepare(`UPDATE stack_branches SET length = ?, last_ts = ?, fork_index = ?, episode_id = ? WHERE ${BRANCH_ROW}`),
    /** (parent, fork index, seq, stack_no). */
    reparent: db.prepare(`UPDATE stack_branches SET parent_branch = ?, fork_index = ? WHERE ${BRANCH_ROW}`),
    /** (seq, stack_no). */
    deleteBranch: db.prepare(`DELETE FROM stack_branches WHERE ${BRANCH_ROW}`),
    /** (seq, seq). */
    deleteConversationBranches: db.prepare(`DELETE FROM stack_branches WHERE ${keyWithinConversation('key', '?')}`),
    current: db.prepare('SELECT branch_id FROM stack_current WHERE conversation_id = ? AND agent_id = ?').pluck(),
    setCurrent: db.prepare(
      `INSERT INTO stack_current (conversation_id, agent_id, branch_id) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id, agent_id) DO UPDATE SET branch_id = excluded.branch_id`,
    ),
    clearCurrent: db.prepare('DELETE FROM stack_current WHERE conversation_id = ? AND agent_id = ?'),
    /** One row per state: the state and its artifact header fields. */
    insertEntry: db.prepare(
      `INSERT INTO stack_entries (key, conversation_id, agent_id, branch_id, idx, ts, kind, ref, episode_id, step_idx, state_id, score, reward, header, state)
       VALUES (${KEY_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    /** The same with the metrics of the model call the state answers. */
    insertEntryWithCall: db.prepare(
      `INSERT INTO stack_entries (key, conversation_id, agent_id, branch_id, idx, ts, kind, ref, episode_id, step_idx, state_id, score, reward, header, state, call_ref, call_header, call_body)
       VALUES (${KEY_OF}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    /** Parameters of the `KEY_BETWEEN` statements: {@link keyRange}. */
    entries: db.prepare(`SELECT idx, ts, ref, state FROM stack_entries WHERE ${KEY_BETWEEN} ORDER BY key`),
    archiveRange: db.prepare(archive(KEY_BETWEEN)),
    archiveLinksRange: db.prepare(archiveLinks(`e.${KEY_BETWEEN}`)),
    /** (seq, seq): the conversation's rows are known by its seq, no id lookup. */
    archiveConversation: db.prepare(archive(keyWithinConversation('key', '?'))),
    archiveLinksConversation: db.prepare(archiveLinks(keyWithinConversation('e.key', '?'))),
    entryTs: db.prepare(`SELECT ts FROM stack_entries WHERE key = ${KEY_OF}`).pluck(),
    /** (target seq, target stack, target branch id, …source key range): copies keep their refs. */
    copyEntries: db.prepare(
      `INSERT INTO stack_entries (key, conversation_id, agent_id, branch_id, idx, ts, kind, ref, copied, episode_id, step_idx, state_id, score, reward, header, state)
       SELECT ? * ${SEQ_UNIT} + ? * ${STACK_UNIT} + idx, conversation_id, agent_id, ?, idx, ts, kind, ref, 1, episode_id, step_idx, state_id, score, reward, header, state
         FROM stack_entries WHERE ${KEY_BETWEEN}`,
    ),
    deleteEntries: db.prepare(`DELETE FROM stack_entries WHERE ${KEY_BETWEEN}`),
    deleteConversationEntries: db.prepare(`DELETE FROM stack_entries WHERE ${keyWithinConversation('key', '?')}`),
    conversationById: db.prepare(`SELECT * FROM conversations WHERE seq = ${SEQ_OF_ID}`),
    /** 1 when a row keeps the id in `conversations_other_id` (an id that does not name that row's seq). */
    otherIdTaken: db.prepare(`SELECT 1 FROM conversations WHERE id = ? AND ${idNotDerived()}`).pluck(),
    nextSeq: db.prepare(NEXT_SEQ).pluck(),
    conversationByName: db.prepare('SELECT * FROM conversations WHERE name = ?'),
    conversations: db.prepare('SELECT * FROM conversations ORDER BY created_at, name'),
    insertConversation: db.prepare(
      'INSERT INTO conversations (seq, id, name, root_agent, created_at, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    agents: db
      .prepare(
        `SELECT b.agent_id FROM ${BRANCHES_OF_CONVERSATION} GROUP BY b.agent_id ORDER BY MIN(b.created_at), b.agent_id`,
      )
      .pluck(),
  }
}

export type StackStatements = ReturnType<typeof prepareStackStatements>

/** The parameters of a `KEY_BETWEEN` statement: indexes [lo, hi] of the stack (seq, stack_no). */
export const keyRange = (r: { seq: number; stack_no: number }, lo: number, hi: number): number[] => [r.seq, r.stack_no, lo, r.seq, r.stack_no, hi]

/**
 * The branch row of (conversation, agent, branch), or undefined. A main branch is near the start
 * of its conversation's range (an agent's first push makes it); a fork is read through its index,
 * and only a root branch of another name (a hand-made bundle could hold one) falls back to the range.
 */
export function findBranchRow(st: StackStatements, c: string, a: string, b: string): BranchRow | undefined {
  if (b !== MAIN_BRANCH) {
    const fork = st.fork.get(c, a, b) as BranchRow | undefined
    if (fork) return fork
  }
  return st.branchInRange.get(c, a, b) as BranchRow | undefined
}

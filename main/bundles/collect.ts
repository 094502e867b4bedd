import type Database from 'better-sqlite3'
import { UserInputError } from '../engine/errors'
import { cachedPluck, cachedStatement } from '../storage/statementCache'
import { keyWithinConversation } from '../storage/stacks/entryKeys'
import { ID_BY_ID_OR_NAME, SEQ_OF_ID } from '../storage/stacks/conversationIds'
import { callHeaderSql, entryHeaderSql } from '../storage/artifacts/entryHeader'
import { hashCanonical } from '../engine/tools/canonicalJson'
import { emptyRows, sortRows, TABLE_NAMES, type Row, type Rows } from './format'
import { specYamlOf } from './specYaml'

/** What to export: conversations by name or id, rollouts by id (with every variant's conversation), or everything. */
export interface BundleSelection {
  conversations?: readonly string[]
  rollouts?: readonly string[]
  all?: boolean
  /**
   * Only the recordings made for the selected conversations, not every occurrence of their
   * requests: a scale-out worker's result (the coordinator has the other occurrences already, and
   * identical requests of many variants, e.g. a judge's, would make every result carry all of them).
   */
  ownRecordings?: boolean
}

/** The scope a selection names, for the manifest. */
export const scopeOf = (s: BundleSelection): 'all' | 'rollouts' | 'conversations' =>
  s.all ? 'all' : s.rollouts?.length && !s.conversations?.length ? 'rollouts' : 'conversations'

type Db = Database.Database

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ')

/** Rows of `sql` (which ends in `IN (…)` over `ids`; first column only when `pluck`), in chunks that stay below SQLite's variable limit. */
function inChunks<T>(db: Db, sql: (marks: string) => string, ids: readonly (string | number)[], pluck = false): T[] {
  const out: T[] = []
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    out.push(...((pluck ? cachedPluck : cachedStatement)(db, sql(placeholders(chunk.length))).all(...chunk) as T[]))
  }
  return out
}

function resolveConversations(db: Db, wanted: readonly string[]): string[] {
  const find = cachedPluck(db, ID_BY_ID_OR_NAME)
  return wanted.map((w) => {
    const id = find.get(w, w) as string | undefined
    if (id) return id
    const known = (db.prepare('SELECT name FROM conversations ORDER BY created_at DESC LIMIT 5').pluck().all() as string[]).join(', ')
    throw new UserInputError(`--conversation: no conversation named or with id "${w}"${known ? `; recent: ${known}` : ' (there are none)'}`, 'CONVERSATION_NOT_FOUND')
  })
}

function resolveRollouts(db: Db, wanted: readonly string[]): string[] {
  const has = db.prepare('SELECT 1 FROM rollouts WHERE id = ?').pluck()
  for (const w of wanted) {
    if (has.get(w)) continue
    const known = (db.prepare('SELECT id FROM rollouts ORDER BY created_at DESC LIMIT 5').pluck().all() as string[]).join(', ')
    throw new UserInputError(`--rollout: no rollout "${w}"${known ? `; recent: ${known}` : ' (there are none)'}`, 'ROLLOUT_NOT_FOUND')
  }
  return [...wanted]
}

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * Reads every row a selection needs from the database, in one read transaction so the bundle is
 * a consistent snapshot: conversations with all agents' branches and entries, their artifacts
 * (payloads inline: `payloadOf` turns a stored form, e.g. an S3 pointer, into its payload) and links, overrides, the model and tool recordings made while they ran,
 * rollouts with spec YAML and variant rows, and the ledger transfers the conversations made.
 */
export function collectRows(db: Db, sel: BundleSelection, payloadOf: (stored: string) => string = (s) => s): Rows {
  return db.transaction(() => collect(db, sel, payloadOf))()
}

/** SQL: the stack rows of the conversations `cv` (one key range each, see storage/stacks/entryKeys.ts). */
const ENTRIES_OF_CONVERSATIONS = `conversations cv JOIN stack_entries e ON ${keyWithinConversation('e.key', 'cv.seq')}`

function collect(db: Db, sel: BundleSelection, payloadOf: (stored: string) => string): Rows {
  const rows = emptyRows()
  const rolloutIds = sel.all ? (db.prepare('SELECT id FROM rollouts').pluck().all() as string[]) : resolveRollouts(db, sel.rollouts ?? [])
  const convIds = new Set(sel.all ? (db.prepare('SELECT id FROM conversations').pluck().all() as string[]) : resolveConversations(db, sel.conversations ?? []))
  if (!sel.all && convIds.size === 0 && rolloutIds.length === 0) throw new UserInputError('nothing to export: give --conversation NAME|ID, --rollout ID or --all', 'NOTHING_TO_EXPORT')

  rows.rollouts = inChunks<Omit<Row<'rollouts'>, 'spec_yaml'>>(db, (m) => `SELECT id, spec_file, spec, status, created_at, finished_at, ledger_before, ledger_after FROM rollouts WHERE id IN (${m})`, rolloutIds)
    .map((r) => ({ ...r, spec_yaml: specYamlOf(r.spec_file, r.spec) }))
  rows.variants = inChunks<Row<'variants'>>(db, (m) => `SELECT rollout_id, team, variant_id, position, status, conversation_id, overrides, metrics, error, started_at, finished_at FROM rollout_variants WHERE rollout_id IN (${m})`, rolloutIds)
  for (const v of rows.variants) if (v.conversation_id) convIds.add(v.conversation_id)

  const ids = [...convIds]
  // Conversations are read by seq (a variant's conversation may not exist: it has none).
  const seqOf = cachedPluck(db, `SELECT ${SEQ_OF_ID}`)
  const seqs = ids.map((id) => seqOf.get(id) as number | null).filter((s): s is number => s !== null)
  rows.conversations = inChunks(db, (m) => `SELECT id, name, root_agent, created_at, metadata FROM conversations WHERE seq IN (${m})`, seqs)
  rows.branches = inChunks(db, (m) => `SELECT b.conversation_id, b.agent_id, b.branch_id, b.parent_branch, b.fork_index, b.length, b.last_ts, b.episode_id, b.created_at,
      CASE WHEN c.branch_id IS NULL THEN 0 ELSE 1 END AS current
    FROM conversations cv JOIN stack_branches b ON ${keyWithinConversation('b.key', 'cv.seq')}
    LEFT JOIN stack_current c ON c.conversation_id = b.conversation_id AND c.agent_id = b.agent_id AND c.branch_id = b.branch_id
    WHERE cv.seq IN (${m})`, seqs)
  rows.entries = inChunks(db, (m) => `SELECT conversation_id, agent_id, branch_id, idx, ts, kind, ref, copied, episode_id, step_idx, state_id, score, reward, ${entryHeaderSql()} AS header, state
    FROM ${ENTRIES_OF_CONVERSATIONS} WHERE cv.seq IN (${m})`, seqs)
  // ARTIFACT_DRIVER=s3 keeps large payloads behind pointers: the bundle holds the payloads themselves.
  for (const e of rows.entries) e.state = payloadOf(e.state)
  rows.artifacts = inChunks(db, (m) => `SELECT ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body
    FROM artifacts WHERE session_id IN (${m})`, ids)
  // Model-call metrics live in the answering entry's row (migration 009): in a bundle they are
  // artifact rows, as the all_artifacts view shows them (same ref, header and payload).
  rows.artifacts.push(...inChunks<Row<'artifacts'>>(db, (m) => `SELECT call_ref AS ref, conversation_id AS session_id, agent_id, branch_id, '' AS episode_id, step_idx - 1 AS step_idx,
      'metrics' AS type, 'model_call' AS role, NULL AS state_kind, NULL AS state_id, 'application/json' AS mime, ts, NULL AS score, NULL AS reward,
      length(CAST(call_body AS BLOB)) AS raw_len, ${callHeaderSql()} AS header, call_body AS body
    FROM ${ENTRIES_OF_CONVERSATIONS} WHERE copied = 0 AND call_ref IS NOT NULL AND cv.seq IN (${m})`, seqs))
  for (const a of rows.artifacts) a.body = payloadOf(a.body)
  const refs = [...new Set([...rows.artifacts.map((a) => a.ref), ...rows.entries.filter((e) => e.copied === 0).map((e) => e.ref)])]
  rows.links = inChunks(db, (m) => `SELECT child_ref, parent_ref, position FROM artifact_relations WHERE child_ref IN (${m})`, refs)
  rows.overrides = inChunks(db, (m) => `SELECT conversation_id, agent_id, doc, locked, updated_at FROM agent_overrides WHERE conversation_id IN (${m})`, ids)
  rows.recordings = recordingsFor(db, rows, sel.ownRecordings)
  rows.transfers = inChunks<Omit<Row<'transfers'>, 'conversation_id'> & { conversation_id: string }>(db, (m) => `SELECT tx_id, command_id, json_extract(details, '$.conversationId') AS conversation_id,
      agent_a AS from_agent, agent_b AS to_agent, json_extract(details, '$.amount') AS amount, COALESCE(json_extract(details, '$.reason'), '') AS reason, committed_at, details
    FROM ledger_transactions WHERE kind = 'transfer_executed' AND json_extract(details, '$.conversationId') IN (${m})`, ids)
  for (const t of TABLE_NAMES) (rows as Record<string, unknown[]>)[t] = sortRows(t, rows[t] as never)
  return rows
}

/**
 * The recordings a replay of these conversations and rollouts needs: every request recorded for
 * them (recordings name their conversation since schema v12) or, for rows recorded before that
 * (no conversation), recorded while they ran (from creation to their last entry or artifact; a
 * rollout to its end), and the tool outcomes of their tool calls; with all occurrences of each
 * request (a replay numbers identical requests from the first). Each row keeps its conversation when
 * that conversation is in the bundle (format v2), else none. `own`: only the recordings made for
 * them (a scale-out result: the coordinator holds the other occurrences' conversations itself).
 */
function recordingsFor(db: Db, rows: Rows, own = false): Row<'recordings'>[] {
  const columns = 'hash, ordinal, model, doc, recorded_at, conversation_id'
  const ids = rows.conversations.map((c) => c.id)
  // Own: the rows recorded for them. Else: their requests, every occurrence (read with the rest below).
  const tagged = own ? inChunks<Row<'recordings'>>(db, (m) => `SELECT ${columns} FROM model_recordings WHERE conversation_id IN (${m})`, ids) : []
  const hashes = new Set<string>(own ? [] : inChunks<string>(db, (m) => `SELECT DISTINCT hash FROM model_recordings WHERE conversation_id IN (${m})`, ids, true))
  const windows: [number, number][] = []
  const last = new Map<string, number>()
  const bump = (id: string, ts: number) => last.set(id, Math.max(last.get(id) ?? 0, ts))
  for (const e of rows.entries) bump(e.conversation_id, e.ts)
  for (const a of rows.artifacts) bump(a.session_id, a.ts)
  for (const c of rows.conversations) windows.push([c.created_at, Math.max(c.created_at, last.get(c.id) ?? c.created_at)])
  for (const r of rows.rollouts) windows.push([r.created_at, r.finished_at ?? Math.max(r.created_at, ...rows.variants.filter((v) => v.rollout_id === r.id).map((v) => v.finished_at ?? 0))])
  const untagged = cachedPluck(db, "SELECT DISTINCT hash FROM model_recordings WHERE conversation_id IS NULL AND recorded_at >= ? AND recorded_at <= ? AND hash NOT LIKE 'tool:%'")
  for (const [from, to] of windows) for (const h of untagged.all(iso(from - 1000), iso(to + 1000)) as string[]) hashes.add(h)
  for (const e of rows.entries) {
    if (e.kind !== 'tool_call') continue
    const s = JSON.parse(e.state) as { name?: string; arguments?: unknown }
    if (typeof s.name === 'string') hashes.add(`tool:${s.name}:${hashCanonical({ tool: s.name, args: s.arguments })}`)
  }
  // Own: the tagged rows are all there is of theirs, so only untagged (older) rows are added.
  const all = [...tagged, ...inChunks<Row<'recordings'>>(db, (m) => `SELECT ${columns} FROM model_recordings WHERE hash IN (${m})${own ? ' AND conversation_id IS NULL' : ''}`, [...hashes])]
  // An occurrence made for a conversation outside the bundle travels untagged: the bundle names none of its own elsewhere.
  const inBundle = new Set(ids)
  for (const r of all) if (r.conversation_id !== null && !inBundle.has(r.conversation_id)) r.conversation_id = null
  return all
}

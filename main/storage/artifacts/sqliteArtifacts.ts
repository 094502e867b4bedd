import { callHeaderSql, entryHeaderSql } from './entryHeader'
import { CALL_HEADER_COLUMNS, decodePayload, encodeHeaderExtras, HEADER_COLUMNS, STATE_HEADER_COLUMNS, toHeader, type HeaderRow } from './headerRows'
import { UserInputError } from '../../engine/errors'
import { cachedStatement } from '../statementCache'
import type { ArtifactQuery, ArtifactStore, NewArtifact } from '../../engine/ports/artifacts'
import type { PayloadStore } from '../../engine/ports/payloads'
import { ArtifactRefSchema, type Artifact, type ArtifactHeader, type ArtifactRef, type ArtifactType } from '../../engine/schema/artifacts'
import type { SqliteStore } from '../sqliteStore'
import { inlinePayloads } from '../payloads/inline'
import { PerConversation } from '../stacks/perConversation'
import { BRANCHES_OF_CONVERSATION, KEY_IN_CONVERSATION, keyInConversation, keyWithinStack } from '../stacks/entryKeys'
import { byRefParams, byRefSql } from './byRef'
import { newArtifactRef } from './ids'
import { unifiedDiff } from './lineDiff'

/** `artifacts` column → column of a model call's metrics in `stack_entries`, where they differ. */
const CALL_COLUMN: Record<string, string> = { session_id: 'conversation_id', header: callHeaderSql() }

const MAX_LIMIT = 10_000

/**
 * Next step index per (session, branch), shared by every artifact store on one connection: the
 * writer that just used a step knows the next one, so a push reads no `MAX(step_idx)`. Cleared
 * after a rollback, when another connection committed, and around structural stack changes.
 */
const stepCaches = new WeakMap<object, PerConversation<number>>()

/** `artifacts` column → `stack_entries` column, where they differ. */
const STATE_COLUMN: Record<string, string> = { session_id: 'conversation_id', header: entryHeaderSql() }

/** Keeps a `stack_entries` arm of a query to the key range of the session's conversation (the session filter itself reads no index). */
function inSession(arm: { where: string[]; args: unknown[] }, sessionId: string | undefined): void {
  if (sessionId === undefined) return
  arm.where.push(KEY_IN_CONVERSATION)
  arm.args.push(sessionId, sessionId)
}

/** The WHERE clause of one table's part of a query; `col` names a header column in that table. */
function armWhere(q: ArtifactQuery, col: (c: string) => string): { where: string[]; args: unknown[]; sql(): string } {
  const where: string[] = []
  const args: unknown[] = []
  const add = (term: string, v: unknown) => {
    where.push(term)
    args.push(v)
  }
  if (q.sessionId !== undefined) add(`${col('session_id')} = ?`, q.sessionId)
  if (q.agentId !== undefined) add(`${col('agent_id')} = ?`, q.agentId)
  if (q.branchId !== undefined) add(`${col('branch_id')} = ?`, q.branchId)
  // With a session, its index is the one to use (`+` keeps SQLite off the type index).
  if (q.type !== undefined) add(`${q.sessionId !== undefined ? '+' : ''}${col('type')} = ?`, q.type)
  if (q.role !== undefined) add(`${col('role')} = ?`, q.role)
  if (q.since !== undefined) add(`${col('ts')} >= ?`, q.since)
  if (q.until !== undefined) add(`${col('ts')} < ?`, q.until)
  if (q.tag !== undefined) add(`EXISTS (SELECT 1 FROM json_each(${col('header')}, '$.tags') t WHERE t.value = ?)`, q.tag)
  return { where, args, sql: () => (where.length ? `WHERE ${where.join(' AND ')}` : '') }
}

/**
 * Artifacts on SQLite. A `state` artifact is the stack entry row that holds the state (written by
 * the stack store, see `all_artifacts`); `record` writes the others (tool results, ledger events,
 * metrics, evaluations) as one `artifacts` row each, payload inline, plus a link row per parent.
 */
export class SqliteArtifactStore implements ArtifactStore {
  private readonly insertArtifact
  private readonly insertRelation
  private readonly maxRecordStep
  private readonly maxStateStep
  private readonly selectHeader
  private readonly selectBody
  private readonly selectLinkedChildren
  private readonly selectStateChildren
  private readonly recordByStateId
  private readonly stateByStateId

  private readonly steps: PerConversation<number>
  /**
   * The prepared statements of {@link query}, by SQL text (one per combination of filters): a
   * rollout reads each variant's usage with the same query, and compiling it again was ~5 % of the
   * rollout writer's CPU.
   */

  constructor(
    private readonly store: SqliteStore,
    private readonly now: () => number = Date.now,
    /** Where payload texts live (`ARTIFACT_DRIVER`); the stack store writes its states through it too. */
    readonly payloads: PayloadStore = inlinePayloads,
  ) {
    const db = store.db
    let steps = stepCaches.get(db)
    if (!steps) stepCaches.set(db, (steps = new PerConversation(4096)))
    this.steps = steps
    store.onRollback(() => this.forgetSteps())
    this.insertArtifact = db.prepare(
      `INSERT INTO artifacts (ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertRelation = db.prepare('INSERT OR IGNORE INTO artifact_relations (child_ref, parent_ref, position) VALUES (?, ?, ?)')
    this.maxRecordStep = db.prepare('SELECT MAX(step_idx) FROM artifacts WHERE session_id = ? AND branch_id = ?').pluck()
    // An agent's own stack rows get steps in index order, so its last uncopied row has its highest.
    this.maxStateStep = db
      .prepare(
        `SELECT MAX((SELECT e.step_idx FROM stack_entries e
                      WHERE ${keyWithinStack('e.key', 'b.key')} AND e.copied = 0
                      ORDER BY e.key DESC LIMIT 1))
           FROM ${BRANCHES_OF_CONVERSATION} WHERE b.branch_id = ?`,
      )
      .pluck()
    this.selectHeader = db.prepare(byRefSql(HEADER_COLUMNS, STATE_HEADER_COLUMNS, CALL_HEADER_COLUMNS))
    this.selectBody = db.prepare(byRefSql('body', 'state', 'call_body')).pluck()
    this.selectLinkedChildren = db.prepare('SELECT child_ref FROM artifact_relations WHERE parent_ref = ?').pluck()
    this.selectStateChildren = db.prepare(
      `SELECT ${STATE_HEADER_COLUMNS} FROM stack_entries e
        WHERE ${keyInConversation('e.key')} AND e.agent_id = ? AND e.copied = 0 AND e.state_id IS NULL AND e.kind IN ('tool_result', 'agent_result')
          AND EXISTS (SELECT 1 FROM json_each(${entryHeaderSql('e.header')}, '$.parentRefs') p WHERE p.value = ?)`,
    )
    this.recordByStateId = db.prepare(
      `SELECT ref, ts, step_idx FROM artifacts WHERE session_id = ? AND agent_id = ? AND state_id = ? AND state_kind = ?
       ORDER BY ts DESC, step_idx DESC LIMIT 1`,
    )
    this.stateByStateId = db.prepare(
      `SELECT ref, ts, step_idx FROM stack_entries WHERE ${KEY_IN_CONVERSATION} AND agent_id = ? AND state_id = ? AND kind = ? AND copied = 0
       ORDER BY ts DESC, step_idx DESC LIMIT 1`,
    )
  }

  /**
   * Next step index of (session, branch): one counter over every artifact of every agent there.
   * Call it holding the write lock, and {@link usedSteps} after writing the steps taken.
   */
  nextStep(sessionId: string, branchId: string): number {
    const known = this.steps.get(sessionId, branchId, '')
    if (known !== undefined) return known
    const records = this.maxRecordStep.get(sessionId, branchId) as number | null
    const states = this.maxStateStep.get(sessionId, branchId) as number | null
    return Math.max(records ?? -1, states ?? -1) + 1
  }

  /** Steps below `next` of (session, branch) are taken (written in the current transaction). */
  usedSteps(sessionId: string, branchId: string, next: number): void {
    this.steps.set(sessionId, branchId, '', next)
  }

  /** Forgets the known next steps (rollback, another connection's commit, structural stack change). */
  forgetSteps(): void {
    this.steps.clear()
  }

  /** Newest state artifact of (session, agent) with this state id and kind (ToolCall id, AgentCall correlation). */
  findStateRef(sessionId: string, agentId: string, stateId: string, stateKind: string): ArtifactRef | null {
    type Hit = { ref: ArtifactRef; ts: number; step_idx: number }
    const live = this.stateByStateId.get(sessionId, sessionId, agentId, stateId, stateKind) as Hit | undefined
    const kept = this.recordByStateId.get(sessionId, agentId, stateId, stateKind) as Hit | undefined
    if (!live || !kept) return (live ?? kept)?.ref ?? null
    return kept.ts > live.ts || (kept.ts === live.ts && kept.step_idx > live.step_idx) ? kept.ref : live.ref
  }

  record(a: NewArtifact): ArtifactHeader {
    const mime = a.mime ?? 'application/json'
    if (mime === 'text/plain' && typeof a.payload !== 'string') {
      throw new UserInputError(`artifact of type ${a.type}: a text/plain payload must be a string`)
    }
    let body: string | undefined
    try {
      body = mime === 'text/plain' ? (a.payload as string) : JSON.stringify(a.payload)
    } catch (err) {
      throw new UserInputError(`artifact of type ${a.type}: payload is not JSON-serialisable (${(err as Error).message})`)
    }
    if (body === undefined) throw new UserInputError(`artifact of type ${a.type}: payload is not JSON-serialisable`)
    for (const p of a.parentRefs ?? []) {
      if (!ArtifactRefSchema.safeParse(p).success) throw new UserInputError(`bad parent ref ${JSON.stringify(p)}: expected 32 lowercase hex characters`)
    }
    const text = body
    const ref = newArtifactRef()
    const branchId = a.branchId ?? 'main'
    const episodeId = a.episodeId ?? ''
    const role = a.role ?? a.type
    const ts = a.ts ?? this.now()
    const score = a.score ?? null
    const reward = a.reward ?? null
    const extras = { tags: [...(a.tags ?? [])], parentRefs: [...(a.parentRefs ?? [])], provenance: a.provenance ?? {}, meta: a.meta ?? {} }
    const rawLen = Buffer.byteLength(text)
    return this.store.write(() => {
      const stepIdx = this.nextStep(a.sessionId, branchId)
      this.insertArtifact.run(ref, a.sessionId, a.agentId, branchId, episodeId, stepIdx, a.type, role, mime, ts, score, reward, rawLen, encodeHeaderExtras(extras), this.payloads.put(text))
      this.usedSteps(a.sessionId, branchId, stepIdx + 1)
      extras.parentRefs.forEach((p, i) => this.insertRelation.run(ref, p, i))
      return {
        ref, sessionId: a.sessionId, agentId: a.agentId, branchId, episodeId, stepIdx, type: a.type, role, stateKind: null, stateId: null, mime,
        ts: new Date(ts).toISOString(), score, reward, rawLen, ...extras,
      }
    })
  }

  private header(ref: string): HeaderRow {
    const row = this.selectHeader.get(...byRefParams(ref)) as HeaderRow | undefined
    if (!row) throw new UserInputError(`unknown artifact ref ${ref}`, 'UNKNOWN_ARTIFACT')
    return row
  }

  get(ref: string): Artifact {
    const row = this.header(ref)
    const body = this.payloads.get(this.selectBody.get(...byRefParams(ref)) as string)
    return { header: toHeader(row), payload: decodePayload(row, body) }
  }

  query(q: ArtifactQuery): ArtifactHeader[] {
    const limit = q.limit ?? 50
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new UserInputError(`limit ${limit} out of range: expected an integer from 1 to ${MAX_LIMIT}`)
    }
    // One SELECT per table (SQLite does not push every filter into a UNION ALL view): the
    // `artifacts` rows and, unless the type or role rules them out, the state rows.
    const records = armWhere(q, (c) => c)
    if (q.type !== undefined && q.type !== 'state') records.where.push("type <> 'state'") // the partial type index
    const arms = [`SELECT ${HEADER_COLUMNS} FROM artifacts ${records.sql()}`]
    const args = [...records.args]
    if ((q.type === undefined || q.type === 'state') && (q.role === undefined || q.role === 'state')) {
      const states = armWhere({ ...q, type: undefined, role: undefined }, (c) => STATE_COLUMN[c] ?? c)
      states.where.unshift('copied = 0')
      inSession(states, q.sessionId)
      arms.push(`SELECT ${STATE_HEADER_COLUMNS} FROM stack_entries ${states.sql()}`)
      args.push(...states.args)
    }
    if ((q.type === undefined || q.type === 'metrics') && (q.role === undefined || q.role === 'model_call')) {
      const calls = armWhere({ ...q, type: undefined, role: undefined }, (c) => CALL_COLUMN[c] ?? c)
      calls.where.unshift('copied = 0', 'call_ref IS NOT NULL')
      inSession(calls, q.sessionId)
      arms.push(`SELECT ${CALL_HEADER_COLUMNS} FROM stack_entries ${calls.sql()}`)
      args.push(...calls.args)
    }
    const sql = `SELECT * FROM (${arms.join(' UNION ALL ')}) ORDER BY ts DESC, step_idx DESC, ref DESC LIMIT ?`
    return (cachedStatement(this.store.db, sql).all(...args, limit) as HeaderRow[]).map(toHeader)
  }

  metricPayloads(sessionId: string): { role: string; payload: unknown }[] {
    // `+type`: the session index, not the partial type index (every conversation's metrics).
    const rows = cachedStatement(
      this.store.db,
      `SELECT role, mime, body FROM artifacts WHERE session_id = ? AND +type = 'metrics'
       UNION ALL SELECT 'model_call', 'application/json', call_body FROM stack_entries WHERE ${KEY_IN_CONVERSATION} AND copied = 0 AND call_ref IS NOT NULL`,
    ).all(sessionId, sessionId, sessionId) as { role: string; mime: string; body: string }[]
    return rows.map((r) => {
      const body = this.payloads.get(r.body)
      return { role: r.role, payload: r.mime === 'text/plain' ? body : (JSON.parse(body) as unknown) }
    })
  }

  countByType(q: { sessionId?: string } = {}): { type: ArtifactType; count: number }[] {
    const by = q.sessionId !== undefined
    const records = this.store.db
      .prepare(`SELECT type, COUNT(*) AS count FROM artifacts ${by ? 'WHERE session_id = ?' : ''} GROUP BY type`)
      .all(...(by ? [q.sessionId] : [])) as { type: ArtifactType; count: number }[]
    const states = this.store.db
      .prepare(`SELECT COUNT(*) FROM stack_entries WHERE copied = 0 ${by ? `AND ${KEY_IN_CONVERSATION}` : ''}`)
      .pluck()
      .get(...(by ? [q.sessionId, q.sessionId] : [])) as number
    const calls = this.store.db
      .prepare(`SELECT COUNT(*) FROM stack_entries WHERE copied = 0 AND call_ref IS NOT NULL ${by ? `AND ${KEY_IN_CONVERSATION}` : ''}`)
      .pluck()
      .get(...(by ? [q.sessionId, q.sessionId] : [])) as number
    const counts = new Map(records.map((r) => [r.type, r.count]))
    if (states > 0) counts.set('state', (counts.get('state') ?? 0) + states)
    if (calls > 0) counts.set('metrics', (counts.get('metrics') ?? 0) + calls)
    return [...counts].map(([type, count]) => ({ type, count })).sort((x, y) => y.count - x.count || (x.type < y.type ? -1 : x.type > y.type ? 1 : 0))
  }

  children(ref: string): ArtifactHeader[] {
    const parent = this.header(ref)
    const linked = (this.selectLinkedChildren.all(ref) as string[]).flatMap((child) => this.selectHeader.all(...byRefParams(child)) as HeaderRow[])
    const states = parent.type === 'state' ? (this.selectStateChildren.all(parent.session_id, parent.session_id, parent.agent_id, ref) as HeaderRow[]) : []
    return [...linked, ...states].sort((x, y) => x.ts - y.ts || x.step_idx - y.step_idx).map(toHeader)
  }

  parents(ref: string): ArtifactHeader[] {
    const out: ArtifactHeader[] = []
    for (const p of toHeader(this.header(ref)).parentRefs) {
      const row = this.selectHeader.get(...byRefParams(p)) as HeaderRow | undefined
      if (row) out.push(toHeader(row))
    }
    return out
  }

  diff(ref1: string, ref2: string): string {
    const a = this.get(ref1)
    const b = this.get(ref2)
    if (a.header.mime !== 'application/json' || b.header.mime !== 'application/json') {
      throw new UserInputError('Can only diff JSON-serialisable payloads.', 'NOT_JSON')
    }
    return unifiedDiff(pretty(a.payload), pretty(b.payload), ref1, ref2)
  }
}

const pretty = (v: unknown): string => JSON.stringify(v, null, 2) ?? 'null'

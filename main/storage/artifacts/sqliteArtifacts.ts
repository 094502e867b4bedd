import { z } from 'zod'
import { UserInputError } from '../../engine/errors'
import type { ArtifactQuery, ArtifactStore, NewArtifact } from '../../engine/ports/artifacts'
import {
  ArtifactRefSchema,
  ProvenanceSchema,
  type Artifact,
  type ArtifactHeader,
  type ArtifactRef,
  type ArtifactType,
  type Provenance,
} from '../../engine/schema/artifacts'
import { defineJsonColumn } from '../jsonColumn'
import type { SqliteStore } from '../sqliteStore'
import { StateColumn } from '../stacks/stateColumn'
import { newArtifactRef } from './ids'
import { unifiedDiff } from './lineDiff'

/** Header fields that have no column of their own. */
const HeaderExtrasColumn = defineJsonColumn({
  name: 'artifact header',
  version: 1,
  schema: z.object({
    tags: z.array(z.string()),
    parentRefs: z.array(ArtifactRefSchema),
    provenance: ProvenanceSchema,
    meta: z.record(z.string(), z.unknown()),
  }),
})

interface HeaderRow {
  ref: string
  session_id: string
  agent_id: string
  branch_id: string
  episode_id: string
  step_idx: number
  type: string
  role: string
  state_kind: string | null
  state_id: string | null
  mime: string
  ts: number
  score: number | null
  reward: number | null
  raw_len: number
  header: string
}

/** Everything needed to write one artifact; `body` is the already-encoded payload text. */
export interface ArtifactRow {
  ref: ArtifactRef
  sessionId: string
  agentId: string
  branchId: string
  episodeId: string
  type: ArtifactType
  role: string
  stateKind: string | null
  stateId: string | null
  mime: 'application/json' | 'text/plain'
  ts: number
  score: number | null
  reward: number | null
  body: string
  tags: readonly string[]
  parentRefs: readonly ArtifactRef[]
  provenance: Provenance
  meta: Record<string, unknown>
}

const MAX_LIMIT = 10_000

/**
 * Artifacts on SQLite. `writeRows` is the raw writer the stack store calls inside its own push
 * transaction; `record` is the public entry for tool results, ledger events, metrics, evaluations.
 */
export class SqliteArtifactStore implements ArtifactStore {
  private readonly insertHeader
  private readonly insertPayload
  private readonly insertTag
  private readonly insertRelation
  private readonly nextStep
  private readonly selectHeader
  private readonly selectPayload
  private readonly selectChildren
  private readonly selectParents
  private readonly selectByStateId

  constructor(
    private readonly store: SqliteStore,
    private readonly now: () => number = Date.now,
  ) {
    const db = store.db
    this.insertHeader = db.prepare(
      `INSERT INTO artifacts (ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertPayload = db.prepare('INSERT INTO artifact_payloads (ref, body) VALUES (?, ?)')
    this.insertTag = db.prepare('INSERT OR IGNORE INTO artifact_tags (tag, ref) VALUES (?, ?)')
    this.insertRelation = db.prepare('INSERT OR IGNORE INTO artifact_relations (child_ref, parent_ref, position) VALUES (?, ?, ?)')
    this.nextStep = db
      .prepare('SELECT COALESCE(MAX(step_idx) + 1, 0) FROM artifacts WHERE session_id = ? AND branch_id = ?')
      .pluck()
    this.selectHeader = db.prepare('SELECT * FROM artifacts WHERE ref = ?')
    this.selectPayload = db.prepare('SELECT body FROM artifact_payloads WHERE ref = ?').pluck()
    this.selectChildren = db.prepare(
      'SELECT a.* FROM artifact_relations r JOIN artifacts a ON a.ref = r.child_ref WHERE r.parent_ref = ? ORDER BY a.ts, a.step_idx',
    )
    this.selectParents = db.prepare(
      'SELECT a.* FROM artifact_relations r JOIN artifacts a ON a.ref = r.parent_ref WHERE r.child_ref = ? ORDER BY r.position',
    )
    this.selectByStateId = db
      .prepare(
        `SELECT ref FROM artifacts WHERE session_id = ? AND agent_id = ? AND state_id = ? AND state_kind = ?
         ORDER BY ts DESC, step_idx DESC LIMIT 1`,
      )
      .pluck()
  }

  /** Writes rows (caller holds the transaction). Step indexes are assigned per (session, branch). */
  writeRows(rows: readonly ArtifactRow[]): ArtifactHeader[] {
    const steps = new Map<string, number>()
    return rows.map((r) => {
      const key = r.sessionId + '\u0000' + r.branchId
      let step = steps.get(key)
      if (step === undefined) step = this.nextStep.get(r.sessionId, r.branchId) as number
      steps.set(key, step + 1)
      const extras = { tags: [...r.tags], parentRefs: [...r.parentRefs], provenance: r.provenance, meta: r.meta }
      const rawLen = Buffer.byteLength(r.body)
      this.insertHeader.run(
        r.ref, r.sessionId, r.agentId, r.branchId, r.episodeId, step, r.type, r.role, r.stateKind, r.stateId,
        r.mime, r.ts, r.score, r.reward, rawLen, HeaderExtrasColumn.encode(extras),
      )
      this.insertPayload.run(r.ref, r.body)
      for (const t of r.tags) this.insertTag.run(t, r.ref)
      r.parentRefs.forEach((p, i) => this.insertRelation.run(r.ref, p, i))
      return {
        ref: r.ref, sessionId: r.sessionId, agentId: r.agentId, branchId: r.branchId, episodeId: r.episodeId,
        stepIdx: step, type: r.type, role: r.role, stateKind: r.stateKind, stateId: r.stateId, mime: r.mime,
        ts: new Date(r.ts).toISOString(), score: r.score, reward: r.reward, rawLen, ...extras,
      }
    })
  }

  /** Newest state artifact of (session, agent) with this state id and kind (ToolCall id, AgentCall correlation). */
  findStateRef(sessionId: string, agentId: string, stateId: string, stateKind: string): ArtifactRef | null {
    return (this.selectByStateId.get(sessionId, agentId, stateId, stateKind) as ArtifactRef | undefined) ?? null
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
    const row: ArtifactRow = {
      ref: newArtifactRef(),
      sessionId: a.sessionId,
      agentId: a.agentId,
      branchId: a.branchId ?? 'main',
      episodeId: a.episodeId ?? '',
      type: a.type,
      role: a.role ?? a.type,
      stateKind: null,
      stateId: null,
      mime,
      ts: a.ts ?? this.now(),
      score: a.score ?? null,
      reward: a.reward ?? null,
      body,
      tags: a.tags ?? [],
      parentRefs: a.parentRefs ?? [],
      provenance: a.provenance ?? {},
      meta: a.meta ?? {},
    }
    return this.store.write(() => this.writeRows([row])[0]!)
  }

  get(ref: string): Artifact {
    const row = this.selectHeader.get(ref) as HeaderRow | undefined
    if (!row) throw new UserInputError(`unknown artifact ref ${ref}`, 'UNKNOWN_ARTIFACT')
    const body = this.selectPayload.get(ref) as string
    return { header: toHeader(row), payload: decodePayload(row, body) }
  }

  query(q: ArtifactQuery): ArtifactHeader[] {
    const limit = q.limit ?? 50
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new UserInputError(`limit ${limit} out of range: expected an integer from 1 to ${MAX_LIMIT}`)
    }
    const where: string[] = []
    const args: unknown[] = []
    const eq = (col: string, v: unknown) => {
      where.push(`a.${col} = ?`)
      args.push(v)
    }
    if (q.sessionId !== undefined) eq('session_id', q.sessionId)
    if (q.agentId !== undefined) eq('agent_id', q.agentId)
    if (q.branchId !== undefined) eq('branch_id', q.branchId)
    if (q.type !== undefined) {
      eq('type', q.type)
      // Lets SQLite use the partial type index (which leaves out the many state artifacts).
      if (q.type !== 'state') where.push("a.type <> 'state'")
    }
    if (q.role !== undefined) eq('role', q.role)
    if (q.since !== undefined) {
      where.push('a.ts >= ?')
      args.push(q.since)
    }
    if (q.until !== undefined) {
      where.push('a.ts < ?')
      args.push(q.until)
    }
    const from = q.tag !== undefined ? 'artifact_tags t JOIN artifacts a ON a.ref = t.ref' : 'artifacts a'
    if (q.tag !== undefined) {
      where.push('t.tag = ?')
      args.push(q.tag)
    }
    const sql = `SELECT a.* FROM ${from} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
                 ORDER BY a.ts DESC, a.step_idx DESC, a.ref DESC LIMIT ?`
    return (this.store.db.prepare(sql).all(...args, limit) as HeaderRow[]).map(toHeader)
  }

  countByType(q: { sessionId?: string } = {}): { type: ArtifactType; count: number }[] {
    const sql = `SELECT type, COUNT(*) AS count FROM artifacts ${q.sessionId !== undefined ? 'WHERE session_id = ?' : ''} GROUP BY type ORDER BY count DESC, type`
    const args = q.sessionId !== undefined ? [q.sessionId] : []
    return this.store.db.prepare(sql).all(...args) as { type: ArtifactType; count: number }[]
  }

  children(ref: string): ArtifactHeader[] {
    this.get(ref)
    return (this.selectChildren.all(ref) as HeaderRow[]).map(toHeader)
  }

  parents(ref: string): ArtifactHeader[] {
    this.get(ref)
    return (this.selectParents.all(ref) as HeaderRow[]).map(toHeader)
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

function decodePayload(row: HeaderRow, body: string): unknown {
  if (row.mime === 'text/plain') return body
  if (row.type === 'state') return StateColumn.decode(body)
  return JSON.parse(body) as unknown
}

function toHeader(r: HeaderRow): ArtifactHeader {
  const extras = HeaderExtrasColumn.decode(r.header)
  return {
    ref: r.ref as ArtifactRef,
    sessionId: r.session_id,
    agentId: r.agent_id,
    branchId: r.branch_id,
    episodeId: r.episode_id,
    stepIdx: r.step_idx,
    type: r.type as ArtifactType,
    role: r.role,
    stateKind: r.state_kind,
    stateId: r.state_id,
    mime: r.mime as ArtifactHeader['mime'],
    ts: new Date(r.ts).toISOString(),
    score: r.score,
    reward: r.reward,
    rawLen: r.raw_len,
    tags: extras.tags,
    parentRefs: extras.parentRefs,
    provenance: extras.provenance,
    meta: extras.meta,
  }
}

import { z } from 'zod'
import { UserInputError } from '../../engine/errors'
import {
  ArtifactRefSchema,
  ProvenanceSchema,
  type ArtifactHeader,
  type ArtifactRef,
  type ArtifactType,
  type Provenance,
} from '../../engine/schema/artifacts'
import { defineJsonColumn } from '../jsonColumn'
import { StateColumn } from '../stacks/stateColumn'
import { callHeaderSql, DEFAULT_HEADER_EXTRAS, entryHeaderSql, storedCallHeader, storedEntryHeader } from './entryHeader'

/*
 * An artifact's header as stored: the extras JSON (tags, parents, provenance, meta), the columns
 * each table names it by, and the mapping of a row to an `ArtifactHeader` and its payload.
 */

/** Header fields that have no column of their own. */
export const HeaderExtrasColumn = defineJsonColumn({
  name: 'artifact header',
  version: 1,
  schema: z.object({
    tags: z.array(z.string()),
    parentRefs: z.array(ArtifactRefSchema),
    provenance: ProvenanceSchema,
    meta: z.record(z.string(), z.unknown()),
  }),
})

/** Encodes the header fields that have no column of their own (stack rows store it too). */
export const encodeHeaderExtras = (extras: {
  tags: readonly string[]
  parentRefs: readonly ArtifactRef[]
  provenance: Provenance
  meta: Record<string, unknown>
}): string =>
  extras.tags.length === 0 && extras.parentRefs.length === 0 && isEmptyObject(extras.provenance) && isEmptyObject(extras.meta)
    ? DEFAULT_HEADER_EXTRAS
    : HeaderExtrasColumn.encode({ tags: [...extras.tags], parentRefs: [...extras.parentRefs], provenance: extras.provenance, meta: extras.meta })

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false
  return true
}

/** The `header` column of a stack entry row: `''` for the default extras (schema v14). */
export const entryHeaderColumn = (extras: Parameters<typeof encodeHeaderExtras>[0]): string => storedEntryHeader(encodeHeaderExtras(extras))

/** The `call_*` columns of a model call's metrics (see migration 009); the header is `''` when the metrics imply it (v16). */
export function modelCallColumns(m: { tags: readonly string[]; payload: unknown }): { header: string; body: string } {
  const body = JSON.stringify(m.payload)
  if (typeof body !== 'string') throw new UserInputError('model call metrics are not JSON-serialisable')
  return { header: storedCallHeader(encodeHeaderExtras({ tags: m.tags, parentRefs: [], provenance: {}, meta: {} }), m.payload), body }
}

/** A row of the `all_artifacts` view (the `artifacts` table plus the states of `stack_entries`). */
export interface HeaderRow {
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

export const HEADER_COLUMNS = 'ref, session_id, agent_id, branch_id, episode_id, step_idx, type, role, state_kind, state_id, mime, ts, score, reward, raw_len, header'
/**
 * Byte length of a state's payload: of the state JSON, or the size a payload pointer records
 * (`\0p2blob:sha256:<64 hex>:<size>`, see storage/payloads/pointer.ts) when it lives in S3.
 */
const STATE_RAW_LEN = `CASE WHEN substr(CAST(state AS BLOB), 1, 1) = X'00' THEN CAST(CAST(substr(CAST(state AS BLOB), 81) AS TEXT) AS INTEGER)
  ELSE length(CAST(state AS BLOB)) END`
/** The header columns of a `stack_entries` row, named as in `all_artifacts`. */
export const STATE_HEADER_COLUMNS = `ref, conversation_id AS session_id, agent_id, branch_id, episode_id, step_idx, 'state' AS type, 'state' AS role,
  kind AS state_kind, state_id, 'application/json' AS mime, ts, score, reward, ${STATE_RAW_LEN} AS raw_len, ${entryHeaderSql()} AS header`

/** The metrics artifact of a model call stored in a `stack_entries` row (migration 009), named as in `all_artifacts`. */
export const CALL_HEADER_COLUMNS = `call_ref AS ref, conversation_id AS session_id, agent_id, branch_id, '' AS episode_id, step_idx - 1 AS step_idx,
  'metrics' AS type, 'model_call' AS role, NULL AS state_kind, NULL AS state_id, 'application/json' AS mime, ts, NULL AS score, NULL AS reward,
  length(CAST(call_body AS BLOB)) AS raw_len, ${callHeaderSql()} AS header`

export function decodePayload(row: HeaderRow, body: string): unknown {
  if (row.mime === 'text/plain') return body
  if (row.type === 'state') return StateColumn.decode(body)
  return JSON.parse(body) as unknown
}

export function toHeader(r: HeaderRow): ArtifactHeader {
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

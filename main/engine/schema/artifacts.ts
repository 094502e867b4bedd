import { z } from 'zod'

/**
 * Artifact headers (behaviour.md §6.1). Every stack push, tool result, ledger event, metric and
 * evaluation is an artifact: a small header row plus a payload stored apart from it.
 */

/** 32 lowercase hex characters. */
export const ArtifactRefSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'expected an artifact ref of 32 lowercase hex characters')
  .brand<'ArtifactRef'>()
export type ArtifactRef = z.infer<typeof ArtifactRefSchema>

/** What produced the artifact (§6.2). */
export const ArtifactTypeSchema = z.enum(['state', 'tool_result', 'event', 'ledger_event', 'metrics', 'evaluation'])
export type ArtifactType = z.infer<typeof ArtifactTypeSchema>

/** Where an artifact came from: rollout coordinates and free-form notes. */
export const ProvenanceSchema = z.object({
  rolloutId: z.string().optional(),
  teamId: z.string().optional(),
  variantId: z.string().optional(),
  /** Rollout sample index / seed. */
  sample: z.number().int().optional(),
  /** Model that produced the state (for assistant messages). */
  model: z.string().optional(),
})
export type Provenance = z.infer<typeof ProvenanceSchema>

export const ArtifactHeaderSchema = z.object({
  ref: ArtifactRefSchema,
  /** Conversation id, `ledger:<party>` for ledger events, `eval` for judge metrics. */
  sessionId: z.string().min(1),
  agentId: z.string().min(1),
  branchId: z.string().min(1),
  /** 8-hex episode of (conversation, agent, branch), or "". */
  episodeId: z.string(),
  /** 0-based counter per (session, branch) across all agents. */
  stepIdx: z.number().int().nonnegative(),
  type: ArtifactTypeSchema,
  /** Defaults to `type`. */
  role: z.string().min(1),
  /** State kind for `state` artifacts, else null. */
  stateKind: z.string().nullable(),
  /** ToolCall id / AgentCall correlation id for those states, else null. */
  stateId: z.string().nullable(),
  mime: z.enum(['application/json', 'text/plain']),
  /** ISO-8601 UTC with milliseconds. */
  ts: z.string(),
  tags: z.array(z.string()),
  parentRefs: z.array(ArtifactRefSchema),
  provenance: ProvenanceSchema,
  meta: z.record(z.string(), z.unknown()),
  score: z.number().nullable(),
  reward: z.number().nullable(),
  /** Byte length of the stored payload text. */
  rawLen: z.number().int().nonnegative(),
})
export type ArtifactHeader = z.infer<typeof ArtifactHeaderSchema>

/** A header with its payload (JSON value, or a string for `text/plain`). */
export interface Artifact {
  header: ArtifactHeader
  payload: unknown
}

import { z } from 'zod'
import { defineInvoke } from './define'
import { NAME_MAX_CHARS } from './limits'

/** Artifacts domain: the append-only record of every step. */

const Ref = z.string().max(NAME_MAX_CHARS).regex(/^[0-9a-f]{32}$/, 'an artifact ref of 32 lowercase hex characters')
export const ArtifactTypeNameSchema = z.enum(['state', 'tool_result', 'event', 'ledger_event', 'metrics', 'evaluation'])

/** One row of the list: the header fields the table shows and filters on. */
export const ArtifactRowSchema = z.object({
  ref: z.string(),
  ts: z.string(),
  type: ArtifactTypeNameSchema,
  role: z.string(),
  sessionId: z.string(),
  agentId: z.string(),
  branchId: z.string(),
  stepIdx: z.number().int(),
  stateKind: z.string().nullable(),
  tags: z.array(z.string()),
  score: z.number().nullable(),
  rawLen: z.number().int(),
})
export type ArtifactRow = z.infer<typeof ArtifactRowSchema>

export const ArtifactQueryInputSchema = z.object({
  sessionId: z.string().trim().min(1).max(200).optional(),
  agentId: z.string().trim().min(1).max(200).optional(),
  type: ArtifactTypeNameSchema.optional(),
  tag: z.string().trim().min(1).max(200).optional(),
  /** Case-insensitive match on ref, conversation, agent, role, kind and tags. */
  text: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
}).strict()
export type ArtifactQueryInput = z.infer<typeof ArtifactQueryInputSchema>

export const ArtifactPageSchema = z.object({
  rows: z.array(ArtifactRowSchema),
  /** More matched than `limit`: narrow the filters. */
  truncated: z.boolean(),
  /** Conversations that have artifacts, for the filter. */
  sessions: z.array(z.string()),
  /** The same conversations with their names (rollout variants: `rollout <id> · team · variant`), for labels. */
  conversations: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Stored artifact types with how many there are (in the chosen conversation), most first. */
  types: z.array(z.object({ type: ArtifactTypeNameSchema, count: z.number().int() })),
})
export type ArtifactPage = z.infer<typeof ArtifactPageSchema>

export const ArtifactDetailSchema = z.object({
  header: z.record(z.string(), z.unknown()),
  payload: z.unknown(),
})
export type ArtifactDetail = z.infer<typeof ArtifactDetailSchema>

export const artifactsInvokes = {
  'artifacts:query': defineInvoke('artifact headers matching filters, newest first', ArtifactQueryInputSchema, ArtifactPageSchema),
  'artifacts:get': defineInvoke('one artifact with its payload', z.object({ ref: Ref }).strict(), ArtifactDetailSchema),
  'artifacts:diff': defineInvoke('unified diff of two payloads ("" when equal)', z.object({ left: Ref, right: Ref }).strict(), z.object({ diff: z.string() })),
} as const

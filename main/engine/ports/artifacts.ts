import type { Artifact, ArtifactHeader, ArtifactRef, ArtifactType, Provenance } from '../schema/artifacts'

/** What a producer gives to {@link ArtifactStore.record}; the store fills ref, step index and time. */
export interface NewArtifact {
  type: Exclude<ArtifactType, 'state'>
  sessionId: string
  agentId: string
  branchId?: string
  episodeId?: string
  role?: string
  /** JSON value; a string with `mime: 'text/plain'` is stored as text. */
  payload: unknown
  mime?: 'application/json' | 'text/plain'
  tags?: readonly string[]
  parentRefs?: readonly ArtifactRef[]
  provenance?: Provenance
  meta?: Record<string, unknown>
  score?: number | null
  reward?: number | null
  /** Epoch milliseconds; defaults to now. */
  ts?: number
}

/** Filters of {@link ArtifactStore.query}; every given filter must match. Newest first. */
export interface ArtifactQuery {
  sessionId?: string
  agentId?: string
  branchId?: string
  tag?: string
  type?: ArtifactType
  role?: string
  /** Inclusive lower bound, epoch milliseconds. */
  since?: number
  /** Exclusive upper bound, epoch milliseconds. */
  until?: number
  /** Default 50, at most 10 000. */
  limit?: number
}

/**
 * The artifact port: an append-only record of everything that happened, with causal links.
 * Stack pushes write their `state` artifacts through the stack store, in the same transaction.
 */
export interface ArtifactStore {
  record(artifact: NewArtifact): ArtifactHeader
  /** Header and payload; unknown ref → UserInputError. */
  get(ref: string): Artifact
  query(q: ArtifactQuery): ArtifactHeader[]
  /** Artifacts that name `ref` among their parents, oldest first. */
  children(ref: string): ArtifactHeader[]
  /** The parents of `ref`, in the order recorded. */
  parents(ref: string): ArtifactHeader[]
  /** Unified diff of the pretty-printed JSON payloads ("" when equal). */
  diff(ref1: string, ref2: string): string
  /** How many artifacts of each type are stored (of one conversation when given); absent types are left out. */
  countByType(q?: { sessionId?: string }): { type: ArtifactType; count: number }[]
  /** The role and payload of every `metrics` artifact of a conversation (model and judge calls), in no particular order. */
  metricPayloads(sessionId: string): { role: string; payload: unknown }[]
}

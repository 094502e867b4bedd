import type { AgentOverrides, OverridePatch } from '../schema/overrides'

export interface StoredOverrides {
  values: AgentOverrides
  /** Set with `--lock`: later patches without `lock` are refused. */
  locked: boolean
  /** Epoch milliseconds. */
  updatedAt: number
}

/** Per (conversation, agent) runtime overrides. Keyed by conversation **id** (names are resolved before). */
export interface OverrideStore {
  get(conversationId: string, agentId: string): StoredOverrides | null
  /**
   * Shallow-merges `patch` (a `null` value deletes the key, except `behavior_template`).
   * @throws UserInputError when the overrides are locked and `lock` is not given.
   */
  patch(conversationId: string, agentId: string, patch: OverridePatch, options?: { lock?: boolean }): StoredOverrides
  /** Replaces everything (rollout variants). */
  replace(conversationId: string, agentId: string, values: AgentOverrides, options?: { lock?: boolean }): StoredOverrides
}

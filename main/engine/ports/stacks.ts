import type { Provenance } from '../schema/artifacts'
import type { AgentId, BranchId, ConversationId, StackEntry, StateInput } from '../schema/states'

/** A conversation: one root agent, any number of agent stacks, each with branches. */
export interface Conversation {
  id: ConversationId
  /** Unique human name (`chat with AGENT --name N`). */
  name: string
  rootAgent: AgentId
  /** Epoch milliseconds. */
  createdAt: number
  /** Free-form: rollout id, team, variant, `isCli`, … */
  metadata: Record<string, unknown>
}

export interface NewConversation {
  name: string
  rootAgent: string
  /** Defaults to `chat_<uuid>`. */
  id?: string
  metadata?: Record<string, unknown>
}

/** One branch of one agent's stack. */
export interface BranchInfo {
  branch: BranchId
  /** Number of entries, including those inherited from the parent branch. */
  length: number
  /** Epoch milliseconds of the newest entry; null when empty. */
  lastTs: number | null
  current: boolean
  /** Null for `main`. */
  parent: BranchId | null
  /** Last index inherited from the parent (entries 0..forkIndex); null for `main`. */
  forkIndex: number | null
  /** 8-hex episode id; a fork or a rewind starts a new episode. */
  episodeId: string
  /** Epoch milliseconds. */
  createdAt: number
}

/** Inclusive index range; `limit` keeps the last `limit` entries of the range. */
export interface ReadRange {
  from?: number
  to?: number
  limit?: number
}

export interface PushOptions {
  /** Target branch; defaults to the checked-out branch. A late result names the branch that asked. */
  branch?: BranchId
  provenance?: Provenance
  /** Tags for the state artifacts. */
  tags?: readonly string[]
  /** Epoch milliseconds; defaults to now. */
  ts?: number
  /**
   * Metrics of the model call whose answer this push stores: kept with its first state, read back
   * as a `metrics` artifact (role `model_call`, no episode, the step just before that state's).
   */
  modelCall?: { payload: Record<string, unknown>; tags: readonly string[] }
}

export interface PushResult {
  branch: BranchId
  episodeId: string
  entries: StackEntry[]
  /** Stack length after the push. */
  length: number
}

export interface PruneResult {
  /** Branches older than the cutoff, excluding `main` and the current branch. */
  candidates: BranchInfo[]
  /** True when they were deleted (not a dry run). */
  deleted: boolean
}

/**
 * Interaction stacks: one per (conversation, agent, branch), entries immutable, every push also
 * a `state` artifact written in the same transaction. Branches work like git: a fork shares the
 * parent's entries up to the fork index without copying them.
 *
 * Every method validates ids and indexes first and throws UserInputError with nothing changed.
 * `branch` arguments left undefined mean the checked-out branch of that agent.
 */
export interface StackStore {
  createConversation(input: NewConversation): Conversation
  /** By id or name; unknown → UserInputError. */
  getConversation(idOrName: string): Conversation
  findConversation(idOrName: string): Conversation | null
  listConversations(): Conversation[]
  /** New unique name (also kept as `metadata.title`); unknown or taken → UserInputError. */
  renameConversation(idOrName: string, name: string): Conversation
  /** Deletes the conversation with its stacks, branches and overrides; artifacts stay. */
  deleteConversation(idOrName: string): Conversation
  /** Agents with a stack in the conversation (root first). */
  agentsOf(conversation: ConversationId): AgentId[]

  push(conversation: ConversationId, agent: AgentId, states: readonly StateInput[], options?: PushOptions): PushResult
  read(conversation: ConversationId, agent: AgentId, branch?: BranchId, range?: ReadRange): StackEntry[]
  top(conversation: ConversationId, agent: AgentId, branch?: BranchId): StackEntry | null
  length(conversation: ConversationId, agent: AgentId, branch?: BranchId): number

  currentBranch(conversation: ConversationId, agent: AgentId): BranchId
  /** New branch with entries 0..atIndex of `fromBranch`, checked out. O(1): nothing is copied. */
  fork(conversation: ConversationId, agent: AgentId, fromBranch: BranchId | undefined, atIndex: number): BranchInfo
  /** Destructive: keeps entries 0..index of `branch`. Branches forked later than index keep theirs. */
  rewind(conversation: ConversationId, agent: AgentId, branch: BranchId | undefined, index: number): BranchInfo
  checkout(conversation: ConversationId, agent: AgentId, branch: BranchId): BranchInfo
  /** Deletes branches whose newest entry is older than `olderThan` (epoch ms); never main or current. */
  prune(conversation: ConversationId, agent: AgentId, options: { olderThan: number; dryRun: boolean }): PruneResult
  /** `main` first, then by creation time. */
  listBranches(conversation: ConversationId, agent: AgentId): BranchInfo[]
}

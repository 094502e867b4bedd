import { z } from 'zod'
import { ChatMessageSchema } from './chat'
import { defineInvoke } from './define'
import { NAME_MAX_CHARS } from './limits'

/** Branches domain: every agent stack is a tree of branches, like git. */

const Id = z.string().trim().min(1).max(NAME_MAX_CHARS)
const BranchName = z.string().max(NAME_MAX_CHARS).regex(/^(main|[0-9a-f]{8})$/, '"main" or 8 lowercase hex characters')

export const BranchSchema = z.object({
  branch: z.string(),
  length: z.number().int(),
  lastTs: z.number().nullable(),
  current: z.boolean(),
  parent: z.string().nullable(),
  forkIndex: z.number().int().nullable(),
  episodeId: z.string(),
  createdAt: z.number(),
  /** Text of the message at the fork point (entry `forkIndex`); for `main`, its first message. */
  forkText: z.string().nullable(),
  /** Text of the branch's first own user message (what was asked differently), if any. */
  firstText: z.string().nullable(),
})
export type Branch = z.infer<typeof BranchSchema>

export const BranchListSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  current: z.string(),
  branches: z.array(BranchSchema),
  /** Agents with a stack in the conversation (root first): delegated children have branches too. */
  agents: z.array(z.string()),
})
export type BranchList = z.infer<typeof BranchListSchema>

/**
 * The branch a fork or rewind made. A cut asked inside an unanswered tool round moves back to
 * an idle point (as `p2engine conversation rewind` does): `forkIndex` is where it was cut,
 * `requested` what was asked, and `note` says why they differ (null when they do not).
 */
export const ForkResultSchema = BranchSchema.extend({
  requested: z.number().int(),
  note: z.string().nullable(),
})
export type ForkResult = z.infer<typeof ForkResultSchema>

const target = { conversationId: Id, agentId: Id.optional() }

export const BranchSideSchema = z.object({
  branch: z.string(),
  messages: z.array(ChatMessageSchema),
  /** Slot for evaluation scores of the branch (null until evals score branches). */
  score: z.number().nullable(),
})

export const CompareSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  /** Entries both branches share (indexes 0..commonPrefix-1). */
  commonPrefix: z.number().int(),
  left: BranchSideSchema,
  right: BranchSideSchema,
})
export type BranchCompare = z.infer<typeof CompareSchema>

export const branchesInvokes = {
  'branches:list': defineInvoke('branches of an agent stack (root by default)', z.object(target).strict(), BranchListSchema),
  'branches:fork': defineInvoke('new branch with entries 0..atIndex (moved back to an idle point if atIndex is inside a tool round), checked out', z.object({ ...target, fromBranch: BranchName.optional(), atIndex: z.number().int().nonnegative() }).strict(), ForkResultSchema),
  'branches:rewind': defineInvoke('go back to entry `index` of a branch: a new branch with entries 0..index, checked out; the original is kept', z.object({ ...target, branch: BranchName.optional(), index: z.number().int().nonnegative() }).strict(), ForkResultSchema),
  'branches:checkout': defineInvoke('switch the checked-out branch', z.object({ ...target, branch: BranchName }).strict(), BranchSchema),
  'branches:compare': defineInvoke('two branches side by side', z.object({ ...target, left: BranchName, right: BranchName }).strict(), CompareSchema),
} as const

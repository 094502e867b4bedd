import { z } from 'zod'

/**
 * Interaction-stack state kinds (behaviour.md §2.2), as zod schemas with inferred types.
 * Every state is an immutable record discriminated by `kind`. Field names are camelCase;
 * the original's Python names are noted where they differ.
 */

/** Conversation id, e.g. `chat_<uuid>` or a rollout conversation id. */
export const ConversationIdSchema = z.string().min(1).max(200).brand<'ConversationId'>()
export type ConversationId = z.infer<typeof ConversationIdSchema>

/** Agent id as configured in `agents.yml` (or a runtime-created child agent). */
export const AgentIdSchema = z.string().min(1).max(200).brand<'AgentId'>()
export type AgentId = z.infer<typeof AgentIdSchema>

/** Branch id: `main` or 8 lowercase hex characters. */
export const BranchIdSchema = z
  .string()
  .regex(/^(main|[0-9a-f]{8})$/, 'expected "main" or 8 lowercase hex characters')
  .brand<'BranchId'>()
export type BranchId = z.infer<typeof BranchIdSchema>

/** The branch every stack starts on. */
export const MAIN_BRANCH = 'main' as BranchId

/** Casts trusted strings (already validated or produced by the engine) to branded ids. */
export const asConversationId = (s: string): ConversationId => s as ConversationId
export const asAgentId = (s: string): AgentId => s as AgentId
export const asBranchId = (s: string): BranchId => s as BranchId

/** `meta` of messages: a note string (`reflection`, `reflection:<tool>`) or an object (rollout provenance). */
export const StateMetaSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).nullable()
export type StateMeta = z.infer<typeof StateMetaSchema>

const JsonObjectSchema = z.record(z.string(), z.unknown())

/** One tool call requested by the model, as part of an assistant message. */
export const ToolCallSpecSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: JsonObjectSchema,
})
export type ToolCallSpec = z.infer<typeof ToolCallSpecSchema>

/** Input to an agent: from the user, a delegating parent, or synthetic (reflection prompts, seeds). */
export const UserMessageStateSchema = z.object({
  kind: z.literal('user_message'),
  text: z.string(),
  meta: StateMetaSchema.default(null),
})

/** Model output: text and/or every tool call of that one message (the original never filled `tool_calls`). */
export const AssistantMessageStateSchema = z.object({
  kind: z.literal('assistant_message'),
  content: z.string().nullable(),
  toolCalls: z.array(ToolCallSpecSchema).default([]),
  meta: StateMetaSchema.default(null),
})

/** The agent asked for a tool (one entry per call, so each has its own artifact and idempotency key). */
export const ToolCallStateSchema = z.object({
  kind: z.literal('tool_call'),
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: JsonObjectSchema,
})

/** Tool outcome. An error reaches the model as an error (the original reported it as ok). */
export const ToolResultStateSchema = z
  .object({
    kind: z.literal('tool_result'),
    toolCallId: z.string().min(1),
    toolName: z.string().min(1),
    status: z.enum(['ok', 'error']),
    /** Tool output when `status` is ok. */
    result: z.unknown().optional(),
    /** Why it failed when `status` is error (`timeout` code for deadlines). */
    error: z.object({ message: z.string(), code: z.string().optional() }).nullable().default(null),
    arguments: JsonObjectSchema.nullable().default(null),
    reward: z.number().nullable().default(null),
  })
  .refine((s) => (s.status === 'error') === (s.error !== null), {
    message: 'a tool result has an error exactly when its status is "error"',
  })

/** Request to delegate to another agent. `correlationId` links the later AgentResult. */
export const AgentCallStateSchema = z.object({
  kind: z.literal('agent_call'),
  agentId: z.string().min(1),
  message: z.string(),
  correlationId: z.string().min(1),
})

/** A child's answer delivered to the parent (or a timeout/error in its place). */
export const AgentResultStateSchema = z.object({
  kind: z.literal('agent_result'),
  correlationId: z.string().min(1),
  agentId: z.string().min(1).nullable().default(null),
  status: z.enum(['ok', 'timeout', 'error']).default('ok'),
  result: JsonObjectSchema,
  score: z.number().nullable().default(null),
})

/** Waiting for an async edge. Expired when `deadline <= now` (epoch milliseconds). */
export const WaitingStateSchema = z.object({
  kind: z.literal('waiting'),
  /** What is awaited; the original called this field `kind`. */
  waitingFor: z.enum(['llm', 'tool', 'agent', 'user_input']),
  deadline: z.number().int().nonnegative(),
  correlationId: z.string().min(1).nullable().default(null),
})

/** Terminal marker of a branch (until something new is pushed). */
export const FinishedStateSchema = z.object({
  kind: z.literal('finished'),
  reason: z.string().nullable().default(null),
})

/** Human-in-the-loop: the conversation pauses with this question (rendered as an assistant message). */
export const UserInputRequestStateSchema = z.object({
  kind: z.literal('user_input_request'),
  text: z.string(),
  correlationId: z.string().min(1).nullable().default(null),
  choices: z.array(z.string()).nullable().default(null),
})

/** The human's answer to a UserInputRequest (rendered as a user message). */
export const UserResponseStateSchema = z.object({
  kind: z.literal('user_response'),
  text: z.string(),
  correlationId: z.string().min(1).nullable().default(null),
})

/** Any stack state. */
export const StateSchema = z.discriminatedUnion('kind', [
  UserMessageStateSchema,
  AssistantMessageStateSchema,
  ToolCallStateSchema,
  ToolResultStateSchema,
  AgentCallStateSchema,
  AgentResultStateSchema,
  WaitingStateSchema,
  FinishedStateSchema,
  UserInputRequestStateSchema,
  UserResponseStateSchema,
])

export type UserMessageState = z.infer<typeof UserMessageStateSchema>
export type AssistantMessageState = z.infer<typeof AssistantMessageStateSchema>
export type ToolCallState = z.infer<typeof ToolCallStateSchema>
export type ToolResultState = z.infer<typeof ToolResultStateSchema>
export type AgentCallState = z.infer<typeof AgentCallStateSchema>
export type AgentResultState = z.infer<typeof AgentResultStateSchema>
export type WaitingState = z.infer<typeof WaitingStateSchema>
export type FinishedState = z.infer<typeof FinishedStateSchema>
export type UserInputRequestState = z.infer<typeof UserInputRequestStateSchema>
export type UserResponseState = z.infer<typeof UserResponseStateSchema>
export type State = z.infer<typeof StateSchema>
/** Input shape (defaults optional), what callers pass to `push`. */
export type StateInput = z.input<typeof StateSchema>
export type StateKind = State['kind']

/** Every state kind, in §2.2 order. */
export const STATE_KINDS: readonly StateKind[] = [
  'user_message',
  'assistant_message',
  'tool_call',
  'tool_result',
  'agent_call',
  'agent_result',
  'waiting',
  'finished',
  'user_input_request',
  'user_response',
]

/** Pushed automatically when an agent's stack is first materialised; never rendered. */
export const SYNTHETIC_SEED_TEXT = '<!-- synthetic seed -->'
/** Legacy marker of the original; never produced, skipped by rendering and views. */
export const CHILD_FINISHED_TEXT = '__child_finished__'

/** True for the synthetic user messages that rendering and stack views skip. */
export const isSyntheticMarker = (s: State): boolean =>
  s.kind === 'user_message' && (s.text === SYNTHETIC_SEED_TEXT || s.text === CHILD_FINISHED_TEXT)

/** One immutable stack entry as read back: logical index, time, state, and its artifact. */
export interface StackEntry {
  index: number
  /** Epoch milliseconds when pushed. */
  ts: number
  state: State
  /** Ref of the `state` artifact written with this entry. */
  ref: string
}

import { z } from 'zod'
import { defineEvent, defineInvoke, NoInput } from './define'
import { NAME_MAX_CHARS } from './limits'

/** Chat domain: agents, conversations, messages of an agent's branch, and the live stream. */

const Id = z.string().trim().min(1).max(200)
const BranchName = z.string().max(NAME_MAX_CHARS).regex(/^(main|[0-9a-f]{8})$/, '"main" or 8 lowercase hex characters')

export const AgentSummarySchema = z.object({
  id: z.string(),
  type: z.enum(['llm', 'rule_based', 'human_in_loop']),
  /** `provider/model` of an LLM agent; null for other types. */
  model: z.string().nullable(),
  tools: z.array(z.string()),
  persona: z.string().nullable(),
})
export type AgentSummary = z.infer<typeof AgentSummarySchema>

export const BranchStatusKindSchema = z.enum(['empty', 'finished', 'needs_turn', 'awaiting_tools', 'awaiting_human', 'answered'])
export type BranchStatusKind = z.infer<typeof BranchStatusKindSchema>

export const ConversationSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  rootAgent: z.string(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  /** Checked-out branch of the root agent. */
  branch: z.string(),
  length: z.number().int(),
  status: BranchStatusKindSchema,
  /** Made by a rollout rather than a person. */
  rollout: z.boolean(),
  /** What the list shows: the name given on rename, else the first user message, else the name. */
  title: z.string(),
  /** The root's branch owes work nothing runs (Chat offers Resume and Cancel). */
  stuck: z.boolean(),
})
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>

export const MessageKindSchema = z.enum([
  'user_message', 'assistant_message', 'tool_call', 'tool_result', 'agent_call', 'agent_result',
  'waiting', 'finished', 'user_input_request', 'user_response',
])
export type MessageKind = z.infer<typeof MessageKindSchema>

/** One stack entry as the chat shows it: display text plus the details to expand. */
export const ChatMessageSchema: z.ZodType<ChatMessage> = z.object({
  index: z.number().int().nonnegative(),
  /** Epoch milliseconds. */
  ts: z.number(),
  ref: z.string(),
  kind: MessageKindSchema,
  role: z.enum(['user', 'assistant', 'tool', 'agent', 'system']),
  text: z.string(),
  /** Answered by the offline scripted model (its label is stripped from `text`). */
  offline: z.boolean(),
  model: z.string().optional(),
  tool: z.object({
    callId: z.string(),
    name: z.string(),
    args: z.unknown().optional(),
    status: z.enum(['ok', 'error']).optional(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }).optional(),
  delegation: z.object({
    agentId: z.string(),
    correlationId: z.string(),
    message: z.string().optional(),
    status: z.enum(['ok', 'timeout', 'error']).optional(),
    result: z.unknown().optional(),
    /** On an `agent_call`: the child's own steps for this task (its branch, nested delegations too). */
    get steps() {
      return z.array(ChatMessageSchema).optional()
    },
  }).optional(),
  payment: z.object({
    to: z.string(),
    amount: z.string(),
    /** Null until the result arrives. */
    ok: z.boolean().nullable(),
  }).optional(),
  choices: z.array(z.string()).optional(),
})
/** One stack entry as the chat shows it. */
export interface ChatMessage {
  index: number
  ts: number
  ref: string
  kind: MessageKind
  role: 'user' | 'assistant' | 'tool' | 'agent' | 'system'
  text: string
  offline: boolean
  /** `provider/model` that wrote an assistant message, when known. */
  model?: string
  tool?: { callId: string; name: string; args?: unknown; status?: 'ok' | 'error'; result?: unknown; error?: string }
  delegation?: { agentId: string; correlationId: string; message?: string; status?: 'ok' | 'timeout' | 'error'; result?: unknown; steps?: ChatMessage[] }
  payment?: { to: string; amount: string; ok: boolean | null }
  choices?: string[]
}

/** Which model answers on the branch, and what the header's picker offers. */
export const ChatModelInfoSchema = z.object({
  /** The agent's model with the conversation's override applied; null for non-LLM agents. */
  configured: z.string().nullable(),
  /** Set when the conversation overrides the agent's model. */
  overridden: z.boolean(),
  /** Model named on the newest answer of the branch (e.g. `local/scripted` when offline). */
  lastAnswer: z.string().nullable(),
  /** The newest answer came from the offline scripted model. */
  offline: z.boolean(),
  /** Models to pick from. */
  choices: z.array(z.string()),
})
export type ChatModelInfo = z.infer<typeof ChatModelInfoSchema>

export const MessagesInputSchema = z.object({
  conversationId: Id,
  /** Defaults to the root agent. */
  agentId: Id.optional(),
  /** Defaults to the checked-out branch. */
  branch: BranchName.optional(),
  /** Keeps the newest `limit` entries. */
  limit: z.number().int().min(1).max(50_000).optional(),
}).strict()

export const MessagesSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  branch: z.string(),
  /** Entries on the branch, hidden ones included. */
  total: z.number().int(),
  status: BranchStatusKindSchema,
  /** Agents with a stack in the conversation, root first. */
  agents: z.array(z.string()),
  messages: z.array(ChatMessageSchema),
  /** The branch owes work that nothing runs (e.g. a CLI rewind cut at a tool call): offer Resume and Cancel. */
  stuck: z.boolean(),
  model: ChatModelInfoSchema,
})
export type Messages = z.infer<typeof MessagesSchema>

export const SentSchema = z.object({ conversationId: z.string(), agentId: z.string(), branch: z.string() })
export type Sent = z.infer<typeof SentSchema>

const AtSchema = { conversationId: z.string(), agentId: z.string(), branch: z.string() }

export const chatInvokes = {
  'agents:list': defineInvoke('configured agents with model, tools and persona', NoInput, z.array(AgentSummarySchema)),
  'chat:list': defineInvoke('conversations, newest first', z.object({ includeRollouts: z.boolean().optional() }).strict(), z.array(ConversationSummarySchema)),
  'chat:create': defineInvoke('start a conversation with an agent', z.object({ agentId: Id, name: z.string().trim().min(1).max(200).optional() }).strict(), ConversationSummarySchema),
  'chat:send': defineInvoke('send a user message to the conversation', z.object({ conversationId: Id, text: z.string().max(100_000), agentId: Id.optional() }).strict(), SentSchema),
  'chat:answer': defineInvoke('answer the open human-in-the-loop request', z.object({ conversationId: Id, text: z.string().trim().min(1, 'an answer').max(100_000) }).strict(), SentSchema),
  'chat:messages': defineInvoke('messages of one agent branch', MessagesInputSchema, MessagesSchema),
  'chat:rename': defineInvoke('rename a conversation (unique name)', z.object({ conversationId: Id, name: z.string().trim().min(1, 'a name').max(200) }).strict(), ConversationSummarySchema),
  'chat:delete': defineInvoke('delete a conversation with its branches', z.object({ conversationId: Id }).strict(), z.object({ deleted: z.string() })),
  'chat:resume': defineInvoke('re-run the pending tool calls or delegation of a stuck branch', z.object({ conversationId: Id, agentId: Id.optional() }).strict(), SentSchema),
  'chat:cancel': defineInvoke('answer the pending tool calls of a stuck branch as cancelled', z.object({ conversationId: Id, agentId: Id.optional() }).strict(), SentSchema),
} as const

export const chatEvents = {
  'chat:token': defineEvent('a streamed text delta', z.object({ ...AtSchema, delta: z.string() })),
  'chat:entry': defineEvent('a message was stored', z.object({ ...AtSchema, message: ChatMessageSchema })),
  'chat:tool': defineEvent('a tool call started or ended', z.object({
    ...AtSchema,
    phase: z.enum(['start', 'end']),
    callId: z.string(),
    name: z.string(),
    status: z.enum(['ok', 'error']).optional(),
    ms: z.number().optional(),
  })),
  'chat:answered': defineEvent('an agent gave its answer for the turn', z.object({ ...AtSchema, text: z.string(), root: z.boolean() })),
  'chat:inputRequested': defineEvent('a human answer is awaited', z.object({ ...AtSchema, text: z.string() })),
} as const

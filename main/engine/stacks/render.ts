import { isSyntheticMarker, type StackEntry, type State, type ToolCallSpec } from '../schema/states'

/**
 * Renders a branch into OpenAI-style chat messages within a token budget (behaviour.md §2.4,
 * fixed): the whole branch when it fits, otherwise the oldest turns are dropped whole, so a tool
 * result never loses its call and a call never loses its result. The system prompt is always kept.
 */

export interface ChatToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string }

export interface RenderOptions {
  systemPrompt?: string | null
  /** Token budget for all messages, system prompt included. Default: unlimited. */
  maxTokens?: number
  /** Token estimate of one message; default {@link approxTokens}. */
  countTokens?: (m: ChatMessage) => number
}

export interface RenderResult {
  messages: ChatMessage[]
  /** Estimated tokens of `messages`. */
  tokens: number
  /** Number of rendered messages dropped for the budget (oldest first). */
  droppedMessages: number
}

/** Rough token estimate: characters / 4 plus a small per-message overhead. */
export function approxTokens(m: ChatMessage): number {
  let chars = m.content?.length ?? 0
  if (m.role === 'assistant' && m.tool_calls) for (const c of m.tool_calls) chars += c.function.name.length + c.function.arguments.length + c.id.length
  if (m.role === 'tool') chars += m.name.length + m.tool_call_id.length
  return Math.ceil(chars / 4) + 4
}

const toChatCall = (c: ToolCallSpec): ChatToolCall => ({
  id: c.id,
  type: 'function',
  function: { name: c.name, arguments: JSON.stringify(c.arguments) },
})

/** What the model sees of a tool outcome: the result (with reward when set), or the error. */
function toolContent(s: Extract<State, { kind: 'tool_result' }>): string {
  if (s.status === 'error') return JSON.stringify({ status: 'error', error: s.error?.message ?? 'unknown error' })
  const r = s.result
  if (s.reward !== null && r !== null && typeof r === 'object' && !Array.isArray(r)) return JSON.stringify({ ...r, reward: s.reward })
  return typeof r === 'string' ? r : JSON.stringify(r ?? null)
}

/**
 * A turn is the unit of dropping: one message, or an assistant message with tool calls together
 * with the tool messages answering them.
 */
type Turn = ChatMessage[]

function toTurns(entries: readonly StackEntry[]): Turn[] {
  const turns: Turn[] = []
  /** The open assistant turn whose calls still await results, keyed by call id. */
  let open: { turn: Turn; msg: Extract<ChatMessage, { role: 'assistant' }>; pending: Set<string>; answered: Set<string> } | null = null
  const closeOpen = () => {
    if (!open) return
    // Calls that never got a result (a fork copied a dangling call, a timeout not yet recorded)
    // are removed: the API rejects an assistant tool call without its tool message.
    const kept = open.msg.tool_calls!.filter((c) => open!.answered.has(c.id))
    // Results arrive in completion order; the model sees them in the order it asked.
    const order = new Map(kept.map((c, i) => [c.id, i]))
    const answers = open.turn.slice(1).sort((a, b) => (order.get((a as { tool_call_id: string }).tool_call_id) ?? 0) - (order.get((b as { tool_call_id: string }).tool_call_id) ?? 0))
    open.turn.splice(1, answers.length, ...answers)
    if (kept.length > 0) open.msg.tool_calls = kept
    else delete open.msg.tool_calls
    if (kept.length > 0 || (open.msg.content ?? '') !== '') turns.push(open.turn)
    open = null
  }
  for (const { state: s } of entries) {
    if (isSyntheticMarker(s)) continue
    switch (s.kind) {
      case 'user_message':
      case 'user_response':
        closeOpen()
        turns.push([{ role: 'user', content: s.text }])
        break
      case 'user_input_request':
        closeOpen()
        turns.push([{ role: 'assistant', content: s.text }])
        break
      case 'assistant_message': {
        closeOpen()
        if (s.toolCalls.length === 0) {
          turns.push([{ role: 'assistant', content: s.content ?? '' }])
          break
        }
        const msg: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant', content: s.content, tool_calls: s.toolCalls.map(toChatCall) }
        open = { turn: [msg], msg, pending: new Set(s.toolCalls.map((c) => c.id)), answered: new Set() }
        break
      }
      case 'tool_call':
        // Already listed by the assistant message that asked for it: nothing more to render.
        if (open?.pending.has(s.id) || open?.answered.has(s.id)) break
        if (!open || open.answered.size > 0) {
          closeOpen()
          const msg: Extract<ChatMessage, { role: 'assistant' }> = { role: 'assistant', content: null, tool_calls: [] }
          open = { turn: [msg], msg, pending: new Set(), answered: new Set() }
        }
        open.msg.tool_calls!.push(toChatCall(s))
        open.pending.add(s.id)
        break
      case 'tool_result':
        // Orphans (no open call with this id) are dropped; with whole-branch rendering they only
        // come from stacks the original runtime wrote.
        if (!open?.pending.has(s.toolCallId)) break
        open.pending.delete(s.toolCallId)
        open.answered.add(s.toolCallId)
        open.turn.push({ role: 'tool', tool_call_id: s.toolCallId, name: s.toolName, content: toolContent(s) })
        break
      case 'agent_call':
      case 'agent_result':
      case 'waiting':
      case 'finished':
        // Internal bookkeeping; a delegation reaches the model as the `delegate` tool result.
        break
    }
  }
  closeOpen()
  return turns
}

/**
 * Renders `entries` (oldest first) for the model. Drops whole turns from the oldest while over
 * budget, but always keeps the system prompt and the newest turn.
 */
export function renderForModel(entries: readonly StackEntry[], options: RenderOptions = {}): RenderResult {
  const count = options.countTokens ?? approxTokens
  const system: ChatMessage[] = options.systemPrompt ? [{ role: 'system', content: options.systemPrompt }] : []
  const turns = toTurns(entries)
  const cost = turns.map((t) => t.reduce((n, m) => n + count(m), 0))
  let tokens = system.reduce((n, m) => n + count(m), 0) + cost.reduce((a, b) => a + b, 0)
  const budget = options.maxTokens ?? Number.POSITIVE_INFINITY
  let first = 0
  let droppedMessages = 0
  while (tokens > budget && first < turns.length - 1) {
    tokens -= cost[first]!
    droppedMessages += turns[first]!.length
    first++
  }
  return { messages: [...system, ...turns.slice(first).flat()], tokens, droppedMessages }
}

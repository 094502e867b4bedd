import type { StackEntry, State, ToolCallSpec } from '../schema/states'

/** A tool call of the open assistant message, with its own stack entry. */
export interface OpenCall {
  spec: ToolCallSpec
  /** Stack entry of the `tool_call` state (its ref is the call's identity across forks). */
  entry: StackEntry
  /** Position of the call inside the assistant message. */
  position: number
}

/** What one agent's branch needs next, read from its tail. */
export type BranchStatus =
  | { kind: 'empty' }
  /** Top is a Finished marker: nothing to do until something new arrives. */
  | { kind: 'finished' }
  /** The agent owes an answer: a user message, a human answer, or all tool results are in. */
  | { kind: 'needs_turn'; trigger: StackEntry }
  /** The last assistant message asked for tools; `missing` have no result yet. */
  | {
      kind: 'awaiting_tools'
      message: StackEntry
      calls: OpenCall[]
      missing: OpenCall[]
      /** Delegations started for calls of this message, by correlation id (= the delegate call's id). */
      delegations: Map<string, StackEntry>
      /** Deadline of each awaited child, by correlation id (epoch ms). */
      agentDeadlines: Map<string, number>
    }
  /** A human-in-the-loop request is open. */
  | { kind: 'awaiting_human'; request: StackEntry }
  /** The last thing on the branch is the agent's final answer. */
  | { kind: 'answered'; answer: StackEntry }

const isKind = <K extends State['kind']>(e: StackEntry, k: K): e is StackEntry & { state: Extract<State, { kind: K }> } => e.state.kind === k

/**
 * Derives the branch's status from its entries (oldest first). Entries are immutable, so the
 * status is a function of the tail: the last assistant message with tool calls and what came
 * after it, or the last message kind.
 */
export function branchStatus(entries: readonly StackEntry[]): BranchStatus {
  if (entries.length === 0) return { kind: 'empty' }
  // Walk back past bookkeeping to the newest entry that decides the status.
  let i = entries.length - 1
  const top = entries[i]!
  if (isKind(top, 'finished')) return { kind: 'finished' }
  for (; i >= 0; i--) {
    const e = entries[i]!
    switch (e.state.kind) {
      case 'user_message':
      case 'user_response':
        return { kind: 'needs_turn', trigger: e }
      case 'user_input_request':
        return { kind: 'awaiting_human', request: e }
      case 'assistant_message':
        if (e.state.toolCalls.length === 0) return { kind: 'answered', answer: e }
        return openCalls(entries, i)
      case 'finished':
        return { kind: 'finished' }
      default:
        continue // tool_call, tool_result, agent_call, agent_result, waiting: part of a tool round
    }
  }
  return { kind: 'empty' }
}

function openCalls(entries: readonly StackEntry[], at: number): BranchStatus {
  const message = entries[at]!
  const specs = (message.state as Extract<State, { kind: 'assistant_message' }>).toolCalls
  const callEntries = new Map<string, StackEntry>()
  const results = new Set<string>()
  const delegations = new Map<string, StackEntry>()
  const agentDeadlines = new Map<string, number>()
  for (let j = at + 1; j < entries.length; j++) {
    const e = entries[j]!
    const s = e.state
    if (s.kind === 'tool_call') callEntries.set(s.id, e)
    else if (s.kind === 'tool_result') results.add(s.toolCallId)
    else if (s.kind === 'agent_call') delegations.set(s.correlationId, e)
    else if (s.kind === 'waiting' && s.waitingFor === 'agent' && s.correlationId) agentDeadlines.set(s.correlationId, s.deadline)
  }
  const calls: OpenCall[] = specs.map((spec, position) => ({ spec, entry: callEntries.get(spec.id) ?? message, position }))
  const missing = calls.filter((c) => !results.has(c.spec.id))
  if (missing.length === 0) return { kind: 'needs_turn', trigger: entries[entries.length - 1]! }
  return { kind: 'awaiting_tools', message, calls, missing, delegations, agentDeadlines }
}

/** The newest user message (the question of the current turn), if any. */
export function lastUserMessage(entries: readonly StackEntry[]): StackEntry | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const s = entries[i]!.state
    if (s.kind === 'user_message' || s.kind === 'user_response') return entries[i]!
  }
  return null
}

/** Model turns (assistant messages) since the newest user message: the runaway-loop guard. */
export function turnsSinceUser(entries: readonly StackEntry[]): number {
  let n = 0
  for (let i = entries.length - 1; i >= 0; i--) {
    const k = entries[i]!.state.kind
    if (k === 'user_message' || k === 'user_response') break
    if (k === 'assistant_message') n++
  }
  return n
}

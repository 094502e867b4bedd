import type { ChatMessage } from '../../preload/contract'
import type { StackStore } from '../engine/ports/stacks'
import { delegationOf } from '../engine/runtime/delegation'
import { asAgentId, type ConversationId, type StackEntry } from '../engine/schema/states'
import { toChatMessages } from './chatView'

/** How deep nested delegations are expanded (the engine's default chain limit is 6). */
const MAX_DEPTH = 4

/**
 * The child's entries of one delegated task on its checked-out branch: from the user message the
 * delegation put there (matched by correlation id) through its `finished` marker, or to the end.
 */
export function childTaskEntries(entries: readonly StackEntry[], correlationId: string): StackEntry[] {
  const start = entries.findIndex((e) => delegationOf(e)?.correlationId === correlationId)
  if (start === -1) return []
  let end = entries.length
  for (let i = start + 1; i < entries.length; i++) {
    if (entries[i]!.state.kind === 'finished') {
      end = i
      break
    }
    if (delegationOf(entries[i]!)) {
      end = i
      break
    }
  }
  return entries.slice(start, end)
}

/**
 * Adds to every `agent_call` message the child's own steps for that task (as the CLI's watch
 * shows them), recursively for the child's delegations. Reads each child's branch once.
 */
export function withChildSteps(stacks: StackStore, conversationId: ConversationId, messages: ChatMessage[], depth = 0): ChatMessage[] {
  if (depth >= MAX_DEPTH || !messages.some((m) => m.kind === 'agent_call')) return messages
  const branches = new Map<string, StackEntry[]>()
  const read = (agent: string): StackEntry[] => {
    let entries = branches.get(agent)
    if (!entries) {
      const id = asAgentId(agent)
      entries = stacks.agentsOf(conversationId).includes(id) ? stacks.read(conversationId, id, stacks.currentBranch(conversationId, id)) : []
      branches.set(agent, entries)
    }
    return entries
  }
  return messages.map((m) => {
    if (m.kind !== 'agent_call' || !m.delegation) return m
    const task = childTaskEntries(read(m.delegation.agentId), m.delegation.correlationId)
    const steps = withChildSteps(stacks, conversationId, toChatMessages(task), depth + 1)
    return { ...m, delegation: { ...m.delegation, steps } }
  })
}

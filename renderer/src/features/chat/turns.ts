import type { ChatMessage } from '../../../../preload/contract'

/** One tool call or delegation of a turn, with everything stored about it. */
export interface Step {
  type: 'step'
  key: string
  /** Index of the first entry of the step (fork point of "Fork here"). */
  index: number
  /** Index of the newest entry of the step. */
  lastIndex: number
  /** Tool name (`delegate` for delegations). */
  name: string
  call?: ChatMessage
  result?: ChatMessage
  /** The delegation's `agent_call` (with the child's own steps) and its `agent_result`. */
  delegation?: ChatMessage
  delegationResult?: ChatMessage
  /** The child's steps, grouped the same way. */
  children: ThreadItem[]
  status: 'running' | 'ok' | 'error'
  payment?: ChatMessage['payment']
}

/** What the thread shows, one row each. */
export type ThreadItem =
  | { type: 'user'; key: string; message: ChatMessage }
  | { type: 'answer'; key: string; message: ChatMessage }
  /** A human-in-the-loop request. */
  | { type: 'request'; key: string; message: ChatMessage }
  /** Something the agent said between tool rounds, or a reflection prompt. */
  | { type: 'note'; key: string; message: ChatMessage }
  | Step

const isGeneratedCallText = (m: ChatMessage): boolean => /^Calling [\w, .-]+$/.test(m.text)

/**
 * Groups a branch's messages into a thread: each user message, one step per tool call or
 * delegation (call, result, the delegated child's own steps), and the answer. Bookkeeping
 * (waiting, finished) is not shown. Pure: the same messages always give the same items.
 */
export function groupThread(messages: readonly ChatMessage[]): ThreadItem[] {
  const items: ThreadItem[] = []
  const steps = new Map<string, Step>()
  const stepFor = (id: string, m: ChatMessage, name: string): Step => {
    let s = steps.get(id)
    if (!s) {
      s = { type: 'step', key: `step:${id}:${m.ref}`, index: m.index, lastIndex: m.index, name, children: [], status: 'running' }
      steps.set(id, s)
      items.push(s)
    }
    s.lastIndex = Math.max(s.lastIndex, m.index)
    return s
  }
  messages.forEach((m, i) => {
    switch (m.kind) {
      case 'waiting':
      case 'finished':
        return
      case 'user_message':
      case 'user_response':
        items.push(m.role === 'system' ? { type: 'note', key: m.ref, message: m } : { type: 'user', key: m.ref, message: m })
        return
      case 'user_input_request':
        items.push({ type: 'request', key: m.ref, message: m })
        return
      case 'assistant_message': {
        let j = i + 1
        while (j < messages.length && messages[j]!.kind === 'waiting') j++
        const next = messages[j]
        const midTurn = next?.kind === 'tool_call' || next?.kind === 'agent_call'
        if (!midTurn) items.push({ type: 'answer', key: m.ref, message: m })
        else if (m.text && !isGeneratedCallText(m)) items.push({ type: 'note', key: m.ref, message: m })
        return
      }
      case 'tool_call': {
        const s = stepFor(m.tool!.callId, m, m.tool!.name)
        s.call = m
        if (m.payment) s.payment = m.payment
        return
      }
      case 'tool_result': {
        const s = stepFor(m.tool!.callId, m, m.tool!.name)
        s.result = m
        s.status = m.tool!.status === 'error' ? 'error' : 'ok'
        if (m.payment) s.payment = m.payment
        return
      }
      case 'agent_call': {
        const s = stepFor(m.delegation!.correlationId, m, steps.get(m.delegation!.correlationId)?.name ?? 'delegate')
        s.delegation = m
        s.children = groupThread(m.delegation!.steps ?? [])
        return
      }
      case 'agent_result': {
        const s = stepFor(m.delegation!.correlationId, m, steps.get(m.delegation!.correlationId)?.name ?? 'delegate')
        s.delegationResult = m
        // A critique has no tool result: its agent result ends the step.
        if (!s.call) s.status = m.delegation!.status === 'ok' ? 'ok' : 'error'
        return
      }
    }
  })
  return items
}

/** Title of a step as the thread shows it: "Used get_weather", "Asked agent_helper". */
export function stepTitle(s: Step): string {
  if (s.delegation) return `Asked ${s.delegation.delegation!.agentId}`
  return `Used ${s.name}`
}

/** The text to copy for an item. */
export const copyText = (item: ThreadItem): string =>
  item.type === 'step' ? JSON.stringify({ tool: item.name, args: item.call?.tool?.args, result: item.result?.tool?.result ?? item.result?.tool?.error }, null, 2) : item.message.text

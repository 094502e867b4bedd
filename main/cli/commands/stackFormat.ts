import type { StackEntry, State } from '../../engine/schema/states'
import { formatTime } from '../timeFormat'

/** Compact one-line JSON, cut to `max` characters. */
export function short(value: unknown, max = 120): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  const flat = s.replace(/\s+/g, ' ')
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}


/** Display name of a state kind (the original's class names). */
export const KIND_LABEL: Record<State['kind'], string> = {
  user_message: 'UserMessage',
  assistant_message: 'AssistantMessage',
  tool_call: 'ToolCall',
  tool_result: 'ToolResult',
  agent_call: 'AgentCall',
  agent_result: 'AgentResult',
  waiting: 'Waiting',
  finished: 'Finished',
  user_input_request: 'UserInputRequest',
  user_response: 'UserResponse',
}

/** The Content column of `conversation stack`. */
export function contentOf(s: State, max = 120): string {
  switch (s.kind) {
    case 'user_message':
    case 'user_response':
    case 'user_input_request':
      return short(s.text, max)
    case 'assistant_message': {
      const calls = s.toolCalls.map((c) => `${c.name}(${short(c.arguments, 60)})`).join(', ')
      return short([s.content ?? '', calls ? `[calls ${calls}]` : ''].filter(Boolean).join(' '), max)
    }
    case 'tool_call':
      return short(`${s.name}(${JSON.stringify(s.arguments)})`, max)
    case 'tool_result':
      return short(s.status === 'ok' ? `${s.toolName}: ${short(s.result, max)}` : `${s.toolName}: ERROR ${s.error?.message ?? ''}`, max)
    case 'agent_call':
      return short(`→ ${s.agentId}: ${s.message}`, max)
    case 'agent_result':
      return short(`← ${s.agentId ?? '?'} (${s.status}): ${JSON.stringify(s.result)}`, max)
    case 'waiting':
      return `for ${s.waitingFor} until ${formatTime(s.deadline)}${s.correlationId ? ` (${s.correlationId})` : ''}`
    case 'finished':
      return s.reason ?? ''
  }
}

/** Table row of one stack entry. */
export const entryRow = (e: StackEntry): string[] => [String(e.index), formatTime(e.ts), KIND_LABEL[e.state.kind], contentOf(e.state)]

import type { ChatMessage } from '../../preload/contract'
import { OFFLINE_LABEL } from '../engine/models/scriptedProvider'
import { isSyntheticMarker, type StackEntry } from '../engine/schema/states'

/** Tools that move money: their calls and results carry a `payment` line in the chat. */
const PAYMENT_TOOLS: Record<string, (args: Record<string, unknown>) => { to: string; amount: string } | null> = {
  transfer_funds: (a) => (typeof a.to_agent === 'string' ? { to: a.to_agent, amount: String(a.amount ?? '') } : null),
  reward_agent: (a) => (typeof a.agent_id === 'string' ? { to: a.agent_id, amount: String(a.amount ?? 'default') } : null),
}

const stripOffline = (text: string): { text: string; offline: boolean } =>
  text.startsWith(OFFLINE_LABEL) ? { text: text.slice(OFFLINE_LABEL.length).trimStart(), offline: true } : { text, offline: false }

const brief = (value: unknown): string => {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? ''
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}

/**
 * One stack entry as the chat renders it, or null for entries nobody reads (the synthetic seed).
 * Pure: the same entry always maps to the same message, so live events and re-reads agree.
 */
export function toChatMessage(entry: StackEntry): ChatMessage | null {
  const s = entry.state
  if (isSyntheticMarker(s)) return null
  const base = { index: entry.index, ts: entry.ts, ref: entry.ref, kind: s.kind, offline: false }
  switch (s.kind) {
    case 'user_message':
      return { ...base, role: typeof s.meta === 'string' && s.meta.startsWith('reflection') ? 'system' : 'user', text: s.text }
    case 'user_response':
      return { ...base, role: 'user', text: s.text }
    case 'assistant_message': {
      const stripped = stripOffline(s.content ?? '')
      const text = stripped.text
      const meta = typeof s.meta === 'object' && s.meta !== null ? s.meta : {}
      const offline = stripped.offline || meta.offline === true
      const calls = s.toolCalls.map((c) => c.name).join(', ')
      return { ...base, role: 'assistant', text: text || (calls ? `Calling ${calls}` : ''), offline, ...(typeof meta.model === 'string' ? { model: meta.model } : {}) }
    }
    case 'tool_call': {
      const payment = PAYMENT_TOOLS[s.name]?.(s.arguments)
      return {
        ...base,
        role: 'tool',
        text: `${s.name}(${brief(s.arguments)})`,
        tool: { callId: s.id, name: s.name, args: s.arguments },
        ...(payment ? { payment: { ...payment, ok: null } } : {}),
      }
    }
    case 'tool_result': {
      const payment = s.arguments ? PAYMENT_TOOLS[s.toolName]?.(s.arguments) : null
      return {
        ...base,
        role: 'tool',
        text: s.status === 'ok' ? brief(s.result) : `Error: ${s.error?.message ?? 'failed'}`,
        tool: {
          callId: s.toolCallId,
          name: s.toolName,
          ...(s.arguments ? { args: s.arguments } : {}),
          status: s.status,
          ...(s.status === 'ok' ? { result: s.result ?? null } : { error: s.error?.message ?? 'failed' }),
        },
        ...(payment ? { payment: { ...payment, ok: s.status === 'ok' } } : {}),
      }
    }
    case 'agent_call':
      return { ...base, role: 'agent', text: `Delegated to ${s.agentId}: ${s.message}`, delegation: { agentId: s.agentId, correlationId: s.correlationId, message: s.message } }
    case 'agent_result':
      return {
        ...base,
        role: 'agent',
        text: `${s.agentId ?? 'agent'} ${s.status === 'ok' ? 'answered' : s.status}: ${brief(s.result.response ?? s.result)}`,
        delegation: { agentId: s.agentId ?? 'unknown', correlationId: s.correlationId, status: s.status, result: s.result },
      }
    case 'waiting':
      return { ...base, role: 'system', text: `Waiting for ${s.waitingFor === 'user_input' ? 'your answer' : s.waitingFor}` }
    case 'finished':
      return { ...base, role: 'system', text: s.reason ? `Finished: ${s.reason}` : 'Finished' }
    case 'user_input_request':
      return { ...base, role: 'assistant', text: s.text, ...(s.choices ? { choices: s.choices } : {}) }
  }
}

/** Maps a branch's entries, dropping hidden ones. */
export const toChatMessages = (entries: readonly StackEntry[]): ChatMessage[] =>
  entries.flatMap((e) => {
    const m = toChatMessage(e)
    return m ? [m] : []
  })

import { useState } from 'react'
import type { ChatMessage } from '../../../../../preload/contract'
import { Badge, JsonView } from '../../../shared/ui'

const ROLE_LABEL: Record<ChatMessage['role'], string> = { user: 'You', assistant: 'Agent', tool: 'Tool', agent: 'Delegation', system: 'System' }

const hasDetails = (m: ChatMessage): boolean => Boolean(m.tool || m.delegation || m.choices)

const time = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** One message: text, badges (offline, tool status, payment), expandable details and a fork button. */
export function MessageRow({ message: m, agentId, onFork }: { message: ChatMessage; agentId?: string; onFork?: (index: number) => void }) {
  const [open, setOpen] = useState(false)
  if (m.kind === 'waiting' || m.kind === 'finished') {
    return (
      <div className="msg msg-system" data-testid="message" data-kind={m.kind}>
        <span className="faint">{m.text}</span>
      </div>
    )
  }
  const who = m.role === 'assistant' ? agentId ?? ROLE_LABEL.assistant : m.role === 'tool' && m.tool ? m.tool.name : ROLE_LABEL[m.role]
  return (
    <article className={`msg msg-${m.role} ${m.kind === 'user_input_request' ? 'msg-request' : ''}`} data-testid="message" data-kind={m.kind} aria-label={`${who}, message ${m.index}`}>
      <header className="msg-head">
        <span className="msg-who">{who}</span>
        {m.kind === 'tool_call' && <Badge tone="info">tool call</Badge>}
        {m.tool?.status && <Badge tone={m.tool.status === 'ok' ? 'good' : 'bad'}>{m.tool.status === 'ok' ? 'result' : 'error'}</Badge>}
        {m.delegation && <Badge tone="warn">{m.kind === 'agent_call' ? `→ ${m.delegation.agentId}` : `← ${m.delegation.agentId}`}</Badge>}
        {m.payment && (
          <Badge tone={m.payment.ok === false ? 'bad' : 'good'} title="Payment on the ledger">
            pays {m.payment.amount} → {m.payment.to}{m.payment.ok === null ? ' (pending)' : m.payment.ok ? '' : ' (failed)'}
          </Badge>
        )}
        {m.offline && <Badge tone="warn" title="No model is configured (Settings), so the offline scripted model answered">offline scripted model</Badge>}
        {m.kind === 'user_input_request' && <Badge tone="info">needs your answer</Badge>}
        <span className="msg-meta faint">#{m.index} · {time(m.ts)}</span>
        <span className="msg-actions">
          {hasDetails(m) && (
            <button type="button" className="icon-btn" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? 'Hide details' : 'Details'}
            </button>
          )}
          {onFork && (
            <button type="button" className="icon-btn" onClick={() => onFork(m.index)} aria-label={`Fork from message ${m.index}`} title="New branch that keeps the conversation up to here">
              Fork here
            </button>
          )}
        </span>
      </header>
      <div className={`msg-text ${m.role === 'tool' ? 'mono' : ''}`}>{m.text}</div>
      {open && (
        <div className="msg-details">
          <JsonView value={{ ...(m.tool ? { tool: m.tool } : {}), ...(m.delegation ? { delegation: m.delegation } : {}), ...(m.choices ? { choices: m.choices } : {}) }} label="Message details" />
        </div>
      )}
    </article>
  )
}

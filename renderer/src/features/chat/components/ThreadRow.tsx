import { memo, useState, type KeyboardEvent } from 'react'
import type { ChatMessage } from '../../../../../preload/contract'
import { Badge, Button } from '../../../shared/ui'
import type { ThreadItem } from '../turns'
import { CopyButton } from './CopyButton'
import { Markdown } from './Markdown'
import { StepRow } from './StepRow'

const time = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** What a row can do; absent in read-only places (nested child steps, Compare). */
export interface RowActions {
  onFork(index: number): void
  /** Edit & resend of a user message; resolves true when sent. */
  onEdit(index: number, text: string): Promise<boolean>
  /** Nothing may be sent (the agent is busy). */
  locked: boolean
  stuck: boolean
}

function Meta({ m }: { m: ChatMessage }) {
  return <span className="msg-meta faint">#{m.index} · {time(m.ts)}</span>
}

function ForkButton({ m, actions }: { m: ChatMessage; actions?: RowActions }) {
  if (!actions) return null
  return (
    <button type="button" className="chip-btn" disabled={actions.locked} onClick={() => actions.onFork(m.index)} aria-label={`Fork from message ${m.index}`} title="New branch that keeps the conversation up to here; this branch stays as it is">
      Fork here
    </button>
  )
}

function UserRow({ m, actions, nested }: { m: ChatMessage; actions?: RowActions; nested?: boolean }) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(m.text)
  const submit = async () => {
    const t = draft.trim()
    if (!t || !actions) return
    if (await actions.onEdit(m.index, t)) setEditing(false)
  }
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      void submit()
    } else if (e.key === 'Escape') {
      e.preventDefault()
      setEditing(false)
    }
  }
  return (
    <article className="msg msg-user" data-testid="message" data-kind="user" aria-label={`${nested ? 'Task' : 'You'}, message ${m.index}`}>
      <header className="msg-head">
        <span className="msg-who">{nested ? 'Task' : 'You'}</span>
        <Meta m={m} />
        {actions && !editing && (
          <span className="msg-actions">
            <button type="button" className="chip-btn" disabled={actions.locked} onClick={() => { setDraft(m.text); setEditing(true) }} aria-label={`Edit and resend message ${m.index}`} title="Send an edited version on a new branch; the original stays">
              Edit &amp; resend
            </button>
            <CopyButton text={m.text} label={`Copy message ${m.index}`} />
          </span>
        )}
      </header>
      {editing ? (
        <div className="msg-edit">
          <textarea aria-label="Edited message" value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={onKey} rows={Math.min(8, draft.split('\n').length + 1)} autoFocus />
          <div className="msg-edit-actions">
            <Button type="button" variant="ghost" onClick={() => setEditing(false)}>Cancel</Button>
            <Button type="button" variant="primary" disabled={!draft.trim() || actions?.locked} onClick={() => void submit()}>Send on a new branch</Button>
          </div>
        </div>
      ) : (
        <div className="msg-text">{m.text}</div>
      )}
    </article>
  )
}

function AnswerRow({ m, agentId, actions, request, markOffline }: { m: ChatMessage; agentId?: string; actions?: RowActions; request?: boolean; markOffline?: boolean }) {
  return (
    <article className={`msg msg-assistant ${request ? 'msg-request' : ''}`} data-testid="message" data-kind={request ? 'request' : 'answer'} aria-label={`${agentId ?? 'Agent'}, message ${m.index}`}>
      <header className="msg-head">
        <span className="msg-who">{agentId ?? 'Agent'}</span>
        {markOffline && m.offline && <Badge tone="warn" title="No model is configured (Settings), so the offline scripted model answered">offline scripted model</Badge>}
        {request && <Badge tone="info">needs your answer</Badge>}
        <Meta m={m} />
        {actions && (
          <span className="msg-actions">
            <CopyButton text={m.text} label={`Copy message ${m.index}`} />
            <ForkButton m={m} actions={actions} />
          </span>
        )}
      </header>
      <Markdown text={m.text} />
    </article>
  )
}

/**
 * One row of the thread: a user message, a step, an answer, a request or a note. `markOffline`
 * badges answers of the offline model; the list sets it only when a thread mixes offline and
 * real answers (otherwise the header says "offline" once for the screen).
 */
/**
 * One row of the thread. Memoised: while the list scrolls (and while an answer streams in), rows
 * whose item and actions did not change are not rendered again (no Markdown re-parse).
 */
export const ThreadRow = memo(function ThreadRow({ item, agentId, actions, nested, markOffline }: { item: ThreadItem; agentId?: string; actions?: RowActions; nested?: boolean; markOffline?: boolean }) {
  switch (item.type) {
    case 'user':
      return <UserRow m={item.message} actions={actions} nested={nested} />
    case 'answer':
      return <AnswerRow m={item.message} agentId={agentId} actions={actions} markOffline={markOffline} />
    case 'request':
      return <AnswerRow m={item.message} agentId={agentId} actions={actions} markOffline={markOffline} request />
    case 'note':
      return (
        <div className="msg-note faint" data-testid="message" data-kind="note">
          <span className="msg-note-who">{item.message.role === 'system' ? 'Reflection' : agentId}</span> {item.message.text}
        </div>
      )
    case 'step':
      return (
        <StepRow
          step={item}
          stuck={actions?.stuck ?? false}
          renderChild={(child) => <ThreadRow item={child} agentId={item.delegation?.delegation?.agentId} nested />}
        />
      )
  }
})

import { useEffect, useState } from 'react'
import { Alert, Badge, Button, EmptyState, Icon, Spinner } from '../../../shared/ui'
import { isBusy, startChatLiveUpdates, useChatStore } from '../store'
import { Composer } from './Composer'
import { ConversationList } from './ConversationList'
import { MessageList } from './MessageList'
import { OverridesPanel } from './OverridesPanel'
import './chat.css'

const STATUS_TEXT: Record<string, [string, 'neutral' | 'good' | 'warn' | 'info']> = {
  empty: ['new', 'neutral'],
  needs_turn: ['thinking…', 'info'],
  awaiting_tools: ['running tools…', 'info'],
  awaiting_human: ['waiting for you', 'warn'],
  answered: ['answered', 'good'],
  finished: ['finished', 'neutral'],
}

/** The Chat screen: conversations on the left, the open one streaming on the right. */
export function ChatScreen() {
  const s = useChatStore()
  const [showOverrides, setShowOverrides] = useState(false)

  useEffect(() => {
    void useChatStore.getState().refresh()
    const off = startChatLiveUpdates()
    if (useChatStore.getState().selectedId) void useChatStore.getState().reload()
    return off
  }, [])

  const current = s.conversations.find((c) => c.id === s.selectedId)
  const busy = isBusy(s.status) || s.sending
  const request = s.status === 'awaiting_human' ? [...s.messages].reverse().find((m) => m.kind === 'user_input_request') : undefined
  const [statusText, statusTone] = STATUS_TEXT[s.status] ?? ['', 'neutral']

  return (
    <div className="chat-screen">
      <ConversationList />
      <section className="chat-main" aria-label="Conversation">
        {!s.loaded ? (
          <div className="center-pad"><Spinner label="Loading conversations" /></div>
        ) : !current ? (
          <EmptyState icon={<Icon name="chat" size={26} />} title={s.conversations.length ? 'Pick a conversation' : 'No conversations yet'}>
            <p>Choose an agent under <strong>New chat</strong> and press <strong>Start chat</strong>, then ask it something, e.g. “What is the weather in Paris?”.</p>
            <p className="faint">Without an API key (Settings) the offline scripted model answers, and says so on every answer.</p>
          </EmptyState>
        ) : (
          <>
            <header className="chat-header">
              <div className="chat-title">
                <h1>{current.name}</h1>
                <div className="chat-sub">
                  <span className="faint">with</span> <strong>{s.agentId ?? current.rootAgent}</strong>
                  <Badge tone={statusTone}>{statusText}</Badge>
                  {s.runningTools.length > 0 && <Badge tone="info">running {s.runningTools.join(', ')}</Badge>}
                  <span className="faint">{s.total.toLocaleString()} entries</span>
                </div>
              </div>
              <div className="screen-actions">
                <label className="branch-pick">
                  <span className="field-label">Branch</span>
                  <select aria-label="Branch" value={s.branch ?? ''} onChange={(e) => void s.checkout(e.target.value)} disabled={busy}>
                    {s.branches.map((b) => (
                      <option key={b.branch} value={b.branch}>{b.branch}{b.parent ? ` (from ${b.parent} @${b.forkIndex})` : ''} · {b.length}</option>
                    ))}
                  </select>
                </label>
                <Button variant="ghost" aria-expanded={showOverrides} onClick={() => setShowOverrides(!showOverrides)}>
                  {showOverrides ? 'Hide overrides' : 'Overrides'}
                </Button>
              </div>
            </header>
            {showOverrides && <OverridesPanel />}
            {s.error && (
              <div className="chat-error">
                <Alert tone="error" title="That did not work">
                  {s.error.message} <span className="faint">({s.error.code})</span>{' '}
                  <button type="button" className="icon-btn" onClick={s.clearError}>Dismiss</button>
                </Alert>
              </div>
            )}
            {s.messages.length === 0 && !s.streaming ? (
              <div className="chat-empty">
                <EmptyState title={`Say hello to ${current.rootAgent}`}>
                  Type below and press Enter. Tool calls, delegations and payments appear inline; use <strong>Fork here</strong> on any message to branch.
                </EmptyState>
              </div>
            ) : (
              <MessageList messages={s.messages} agentId={s.agentId ?? undefined} streaming={s.streaming} onFork={(i) => void s.fork(i)} />
            )}
            <Composer
              mode={request ? 'answer' : 'message'}
              busy={s.sending}
              disabled={busy && !request}
              choices={request?.choices}
              onSubmit={(t) => (request ? s.answer(t) : s.send(t))}
            />
          </>
        )}
      </section>
    </div>
  )
}

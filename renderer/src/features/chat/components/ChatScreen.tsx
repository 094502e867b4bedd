import { ExportBundleButton, OriginBadge } from '../../bundles'
import { useEffect, useMemo, useState } from 'react'
import { Alert, Badge, Button, EmptyState, Icon, Spinner } from '../../../shared/ui'
import { isBusy, startChatLiveUpdates, useChatStore } from '../store'
import { cancelStuck, editAndResend, pickModel, resumeStuck } from '../storeActions'
import { groupThread } from '../turns'
import { BranchRail } from './BranchRail'
import { Composer } from './Composer'
import { ConversationList } from './ConversationList'
import { MessageList } from './MessageList'
import { ModelPicker } from './ModelPicker'
import { OverridesPanel } from './OverridesPanel'
import { StuckBanner } from './StuckBanner'
import type { RowActions } from './ThreadRow'
import './chat.css'
import './thread.css'

const STATUS_TEXT: Record<string, [string, 'neutral' | 'good' | 'warn' | 'info']> = {
  empty: ['new', 'neutral'],
  needs_turn: ['thinking…', 'info'],
  awaiting_tools: ['running tools…', 'info'],
  awaiting_human: ['waiting for you', 'warn'],
  answered: ['answered', 'good'],
  finished: ['finished', 'neutral'],
}

/** The rail starts open on wide windows once there is more than one branch. */
const wide = () => typeof window !== 'undefined' && window.matchMedia('(min-width: 1280px)').matches

/** The Chat screen: conversations on the left, the open thread in the middle, its branch tree on the right. */
export function ChatScreen() {
  const s = useChatStore()
  const [showOverrides, setShowOverrides] = useState(false)
  const [rail, setRail] = useState<boolean | null>(null)
  // Esc closes the Overrides panel, unless something inside handled it (an open step, an edit box).
  useEffect(() => {
    if (!showOverrides) return
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      e.preventDefault()
      setShowOverrides(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [showOverrides])

  useEffect(() => {
    void useChatStore.getState().refresh()
    const off = startChatLiveUpdates()
    if (useChatStore.getState().selectedId) void useChatStore.getState().reload()
    return off
  }, [])

  const current = s.conversations.find((c) => c.id === s.selectedId)
  const busy = (isBusy(s.status) && !s.stuck) || s.sending
  const request = s.status === 'awaiting_human' ? [...s.messages].reverse().find((m) => m.kind === 'user_input_request') : undefined
  const [statusText, statusTone] = s.stuck ? ['stuck', 'warn' as const] : (STATUS_TEXT[s.status] ?? ['', 'neutral' as const])
  const railOpen = rail ?? (s.branches.length > 1 && wide())
  const pending = useMemo(() => (s.stuck ? groupThread(s.messages).flatMap((i) => (i.type === 'step' && i.status === 'running' ? [i.delegation ? `${i.delegation.delegation!.agentId}` : i.name] : [])) : []), [s.stuck, s.messages])
  // One object while nothing it holds changes, so the memoised thread rows are not rendered again
  // on every store update (each streamed token).
  const { fork, stuck } = s
  const locked = busy || stuck
  const actions = useMemo<RowActions>(() => ({ onFork: (i) => void fork(i), onEdit: editAndResend, locked, stuck }), [fork, locked, stuck])

  return (
    <div className="chat-screen">
      <ConversationList />
      <section className="chat-main" aria-label="Conversation">
        {s.connection !== 'open' && (
          <div className="chat-offline" role="status">
            <Spinner label="Reconnecting" /> Not connected to the P2Engine host{s.connection === 'connecting' ? ': reconnecting…' : '.'} Is <code>p2engine ui</code> still running?
          </div>
        )}
        {!s.loaded ? (
          <div className="center-pad"><Spinner label="Loading conversations" /></div>
        ) : !current ? (
          <EmptyState icon={<Icon name="chat" size={26} />} title={s.conversations.length ? 'Pick a conversation' : 'No conversations yet'}>
            <p>Choose an agent under <strong>New chat</strong> and press <strong>Start chat</strong>, then ask it something, e.g. “What is the weather in Paris?”.</p>
            <p className="faint">Without an API key (Settings) the offline scripted model answers; the header and the top bar say so.</p>
          </EmptyState>
        ) : (
          <div className="chat-body">
            <div className="chat-thread">
              <header className="chat-header">
                <div className="chat-title">
                  <h1 title={current.title}>{current.title}</h1>
                  <div className="chat-sub">
                    <span className="faint">with</span> <strong>{s.agentId ?? current.rootAgent}</strong>
                    {s.model && <ModelPicker info={s.model} disabled={busy || Boolean(s.overrides?.locked)} onPick={(m) => void pickModel(m)} />}
                    {s.model?.offline && <Badge tone="warn" title="No model is reachable: the offline scripted model answers">offline</Badge>}
                    <Badge tone={statusTone}>{statusText}</Badge>
                    {s.runningTools.length > 0 && <Badge tone="info">running {s.runningTools.join(', ')}</Badge>}
                    <span className="faint">{s.branch} · {s.total.toLocaleString()} entries</span>
                    <OriginBadge kind="conversation" id={current.id} />
                  </div>
                </div>
                <div className="screen-actions">
                  <ExportBundleButton selection={{ conversations: [current.id] }} />
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
                    <button type="button" className="chip-btn" onClick={s.clearError}>Dismiss</button>
                  </Alert>
                </div>
              )}
              {s.notice && (
                <div className="chat-error" data-testid="fork-note">
                  <Alert tone="info" title="Branch moved to an idle point">
                    {s.notice}{' '}
                    <button type="button" className="chip-btn" onClick={s.clearNotice}>Dismiss</button>
                  </Alert>
                </div>
              )}
              {s.messages.length === 0 && !s.streaming ? (
                <div className="chat-empty">
                  <EmptyState title={`Say hello to ${current.rootAgent}`}>
                    Type below and press Enter. Each tool call and delegation shows as one line you can open; use <strong>Edit &amp; resend</strong> or <strong>Fork here</strong> to branch.
                  </EmptyState>
                </div>
              ) : (
                <MessageList messages={s.messages} agentId={s.agentId ?? undefined} streaming={s.streaming} actions={actions} />
              )}
              {s.stuck && <StuckBanner pending={pending} onResume={resumeStuck} onCancel={cancelStuck} />}
              <Composer
                mode={request ? 'answer' : 'message'}
                busy={s.sending}
                disabled={(busy || s.stuck) && !request}
                choices={request?.choices}
                {...(s.stuck ? { blockedHint: 'Resume or cancel the unfinished step above first' } : {})}
                onSubmit={(t) => (request ? s.answer(t) : s.send(t))}
              />
            </div>
            <BranchRail branches={s.branches} current={s.branch} open={railOpen} busy={busy} onToggle={() => setRail(!railOpen)} onCheckout={(b) => void s.checkout(b)} />
          </div>
        )}
      </section>
    </div>
  )
}

import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef } from 'react'
import type { ChatMessage } from '../../../../../preload/contract'
import { groupThread } from '../turns'
import { ThreadRow, type RowActions } from './ThreadRow'

/**
 * The conversation as a thread (user message, one line per tool call or delegation, answer),
 * virtualised: only the rows in view (plus a few) are in the DOM, so a 10 000-entry branch
 * scrolls as smoothly as a short one. Sticks to the bottom while new rows arrive unless the user
 * scrolled up.
 */
export function MessageList({ messages, agentId, streaming, actions }: { messages: ChatMessage[]; agentId?: string; streaming: string; actions: RowActions }) {
  const items = useMemo(() => groupThread(messages), [messages])
  // "offline" is said once (the header) unless offline and real answers mix in this thread.
  const mixed = useMemo(() => {
    const answers = messages.filter((m) => m.role === 'assistant')
    return answers.some((m) => m.offline) && answers.some((m) => !m.offline)
  }, [messages])
  const scrollRef = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const count = items.length + (streaming ? 1 : 0)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 72,
    overscan: 6,
    getItemKey: (i) => (i < items.length ? items[i]!.key : 'streaming'),
  })

  useEffect(() => {
    if (stick.current && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' })
  }, [count, streaming, virtualizer])

  const onScroll = () => {
    const el = scrollRef.current
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 120
  }

  return (
    <div ref={scrollRef} className="msg-scroll" onScroll={onScroll} tabIndex={0} aria-label={`Conversation, ${messages.length} messages`} role="log" data-testid="message-list">
      <div className="msg-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => (
          <div key={v.key} data-index={v.index} ref={virtualizer.measureElement} className="msg-slot" style={{ transform: `translateY(${v.start}px)` }}>
            {v.index < items.length ? (
              <ThreadRow item={items[v.index]!} agentId={agentId} actions={actions} markOffline={mixed} />
            ) : (
              <article className="msg msg-assistant msg-streaming" aria-live="polite" aria-label="Answer being written">
                <header className="msg-head"><span className="msg-who">{agentId}</span><span className="faint">writing…</span></header>
                <div className="msg-text">{streaming.replace(/^\[offline scripted model\]\s*/, '')}<span className="caret" aria-hidden="true" /></div>
              </article>
            )}
          </div>
        ))}
      </div>
    </div>
  )
}

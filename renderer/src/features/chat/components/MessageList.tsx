import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import type { ChatMessage } from '../../../../../preload/contract'
import { MessageRow } from './MessageRow'

/**
 * The conversation, virtualised: only the rows in view (plus a few) are in the DOM, so a
 * 10 000-entry branch scrolls as smoothly as a short one. Sticks to the bottom while new
 * messages arrive unless the user scrolled up.
 */
export function MessageList({ messages, agentId, streaming, onFork }: { messages: ChatMessage[]; agentId?: string; streaming: string; onFork: (index: number) => void }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const count = messages.length + (streaming ? 1 : 0)
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 84,
    overscan: 6,
    getItemKey: (i) => (i < messages.length ? messages[i]!.ref : 'streaming'),
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
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className="msg-slot" style={{ transform: `translateY(${item.start}px)` }}>
            {item.index < messages.length ? (
              <MessageRow message={messages[item.index]!} agentId={agentId} onFork={onFork} />
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

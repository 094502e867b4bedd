import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import { clockTime, fieldsText } from '../filter'
import type { LogLine } from '../types'

const ROW_H = 24

/** The log lines, virtualised (20 000 lines stay smooth); with `follow` the newest stays in view. */
export function LogsList({ lines, follow, selected, onSelect, onScrollUp }: {
  lines: readonly LogLine[]
  follow: boolean
  selected: number | null
  onSelect: (index: number | null) => void
  /** The user scrolled back: stop following. */
  onScrollUp: () => void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const v = useVirtualizer({ count: lines.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 20 })

  useEffect(() => {
    if (follow && lines.length) v.scrollToIndex(lines.length - 1, { align: 'end' })
  }, [follow, lines.length, v])

  return (
    <div
      ref={scrollRef}
      className="logs-scroll"
      role="log"
      aria-label={`Log lines, ${lines.length} shown`}
      aria-live="off"
      tabIndex={0}
      data-testid="logs-scroll"
      onWheel={(e) => { if (e.deltaY < 0 && follow) onScrollUp() }}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const l = lines[item.index]!
          const extra = fieldsText(l)
          return (
            <div
              key={item.key}
              className={`logs-row logs-${l.level} ${selected === item.index ? 'logs-selected' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_H }}
              onClick={() => onSelect(selected === item.index ? null : item.index)}
              data-testid="logs-row"
              title={l.time}
            >
              <span className="logs-time">{clockTime(l.time)}</span>
              <span className={`logs-level logs-level-${l.level}`}>{l.level.toUpperCase()}</span>
              <span className="logs-source">{l.source}</span>
              <span className="logs-msg">{l.msg}{extra && <span className="logs-fields">  {extra}</span>}</span>
            </div>
          )
        })}
      </div>
    </div>
  )
}

import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef, type KeyboardEvent } from 'react'
import type { ArtifactRow } from '../../../../../preload/contract'

const ROW_H = 36

/** The artifact list, virtualised (100 000 rows stay smooth). Arrow keys move, Enter opens, Space picks for a diff. */
export function ArtifactTable({ rows, names, openRef, picked, onOpen, onPick }: {
  rows: readonly ArtifactRow[]
  /** Conversation names by id; the id shows when a name is unknown. */
  names: Readonly<Record<string, string>>
  openRef: string | null
  picked: string[]
  onOpen: (ref: string) => void
  onPick: (ref: string) => void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 })
  const openIndex = rows.findIndex((r) => r.ref === openRef)

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!rows.length) return
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const next = Math.max(0, Math.min(rows.length - 1, openIndex + (e.key === 'ArrowDown' ? 1 : -1)))
      onOpen(rows[next]!.ref)
      v.scrollToIndex(next)
    } else if (e.key === ' ' && openRef) {
      e.preventDefault()
      onPick(openRef)
    }
  }

  return (
    <div className="art-table" role="grid" aria-label={`Artifacts, ${rows.length} rows`} aria-rowcount={rows.length}>
      <div className="art-row art-headrow" role="row">
        {['Diff', 'Time', 'Type', 'Kind / role', 'Conversation', 'Agent', 'Branch', 'Tags'].map((h) => <span key={h} role="columnheader" className="ellipsis" title={h}>{h}</span>)}
      </div>
      <div ref={scrollRef} className="art-scroll" tabIndex={0} onKeyDown={onKeyDown} data-testid="artifact-scroll">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const r = rows[item.index]!
            return (
              <div
                key={r.ref}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={r.ref === openRef}
                className={`art-row ${r.ref === openRef ? 'art-open' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_H }}
                onClick={() => onOpen(r.ref)}
                data-testid="artifact-row"
              >
                <span role="gridcell" onClick={(e) => e.stopPropagation()}>
                  <input type="checkbox" aria-label={`Pick ${r.ref} for diff`} checked={picked.includes(r.ref)} onChange={() => onPick(r.ref)} />
                </span>
                <span role="gridcell" className="mono faint" title={r.ts}>{r.ts.slice(11, 19)}</span>
                <span role="gridcell" className="ellipsis" title={r.type}>{r.type}</span>
                <span role="gridcell" className="ellipsis" title={r.stateKind ?? r.role}>{r.stateKind ?? r.role}</span>
                <span role="gridcell" className="ellipsis" title={names[r.sessionId] ? `${names[r.sessionId]} (${r.sessionId})` : r.sessionId}>{names[r.sessionId] ?? r.sessionId}</span>
                <span role="gridcell" className="ellipsis" title={r.agentId}>{r.agentId}</span>
                <span role="gridcell" className="mono ellipsis" title={r.branchId}>{r.branchId}</span>
                <span role="gridcell" className="ellipsis faint">{r.tags.join(', ')}</span>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

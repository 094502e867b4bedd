import { useVirtualizer } from '@tanstack/react-virtual'
import { useMemo, useRef } from 'react'
import type { RolloutDetail } from '../../../../../preload/contract'
import { Badge } from '../../../shared/ui'
import { commentOf, isFailing, outputMatrix, phaseOf, variantKey, type OutputCell, type OutputSort } from '../outputs'
import { useRolloutsStore } from '../store'
import { PHASE_TEXT, PHASE_TONE } from './VariantGrid'

const SORTS: { id: OutputSort; label: string }[] = [
  { id: 'position', label: 'Variant order' },
  { id: 'score-desc', label: 'Score, best first' },
  { id: 'score-asc', label: 'Score, worst first' },
  { id: 'tokens-desc', label: 'Tokens, most first' },
  { id: 'latency-desc', label: 'Latency, slowest first' },
]

function OutputCellView({ cell }: { cell: OutputCell | undefined }) {
  if (!cell) return <div className="out-cell out-empty" role="cell"><span className="faint">–</span></div>
  const v = cell.variant
  const m = v.metrics
  const failing = isFailing(v)
  const comment = commentOf(v)
  const phase = phaseOf(v)
  return (
    <div
      role="cell" className={`out-cell${cell.match ? '' : ' out-dim'}${failing ? ' out-failing' : ''}`}
      data-testid="output-cell" data-key={variantKey(v)} data-match={cell.match} data-failing={failing}
    >
      <button type="button" className="out-open" onClick={() => useRolloutsStore.getState().openCell(variantKey(v))} aria-label={`Open ${variantKey(v)}`}>
        <span className="out-meta">
          {m?.score != null ? <Badge tone={m.score >= 0.8 ? 'good' : m.score < 0.5 ? 'bad' : 'warn'}>{m.score.toFixed(2)}</Badge> : <Badge tone={PHASE_TONE[phase]}>{PHASE_TEXT[phase]}</Badge>}
          {m && <span className="faint small nowrap">{m.usage.totalTokens.toLocaleString('en-US')} tok · {(m.wallMs / 1000).toFixed(1)} s</span>}
        </span>
        <span className="out-answer" data-testid="output-answer">{m?.answer ?? (v.error ? <span className="flow-out">{v.error}</span> : <span className="faint">{m ? 'no final answer' : 'no answer yet'}</span>)}</span>
        {comment && <span className="out-comment faint" title={comment}>{comment}</span>}
      </button>
    </div>
  )
}

/**
 * What every variant answered: rows are variant ids, columns the teams (each team's initial
 * message on top). Filters (failed only, team, text) and sorting; a cell opens the variant panel.
 * Rows are virtualised inside their own scroll box.
 */
export function OutputsMatrix({ detail }: { detail: RolloutDetail }) {
  const f = useRolloutsStore((s) => s.outputFilter)
  const set = useRolloutsStore((s) => s.setOutputFilter)
  const matrix = useMemo(() => outputMatrix(detail, f), [detail, f])
  const allTeams = useMemo(() => [...new Set(detail.variants.map((v) => v.team))], [detail.variants])
  const messages = useMemo(() => new Map(detail.variants.map((v) => [v.team, v.initialMessage ?? ''])), [detail.variants])
  const scroller = useRef<HTMLDivElement>(null)
  const virt = useVirtualizer({ count: matrix.rows.length, getScrollElement: () => scroller.current, estimateSize: () => 132, overscan: 6 })
  const columns = `minmax(96px, 120px) repeat(${matrix.teams.length}, minmax(240px, 1fr))`
  const minWidth = 120 + matrix.teams.length * 240
  const items = virt.getVirtualItems()

  return (
    <div className="outputs" aria-label="Outputs">
      <div className="out-filters" role="search" aria-label="Filter outputs">
        <label className="check-field">
          <input type="checkbox" checked={f.failedOnly} onChange={(e) => set({ failedOnly: e.target.checked })} />
          Failed only
        </label>
        <label className="inline-field">
          Team
          <select value={f.team ?? ''} onChange={(e) => set({ team: e.target.value || null })} aria-label="Filter by team">
            <option value="">All teams</option>
            {allTeams.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label className="inline-field grow">
          Search
          <input type="search" value={f.text} placeholder="answer, comment, config…" onChange={(e) => set({ text: e.target.value })} aria-label="Search outputs" />
        </label>
        <label className="inline-field">
          Sort
          <select value={f.sort} onChange={(e) => set({ sort: e.target.value as OutputSort })} aria-label="Sort outputs">
            {SORTS.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
        </label>
        <span className="faint small nowrap" data-testid="outputs-count">{matrix.matches} of {matrix.total} outputs</span>
      </div>
      <p className="faint small">Failed = the variant failed, hit an error, or scored below 0.50. A cell opens the variant with its whole answer.</p>
      {matrix.rows.length === 0 ? (
        <p className="muted out-none" data-testid="outputs-empty">No outputs match these filters.</p>
      ) : (
        <div className="out-scroll" ref={scroller} role="table" aria-label="Outputs matrix" aria-rowcount={matrix.rows.length + 1}>
          <div style={{ minWidth }}>
          <div className="out-row out-header" role="row" style={{ gridTemplateColumns: columns }}>
            <div role="columnheader" className="out-corner">Variant</div>
            {matrix.teams.map((t) => (
              <div key={t} role="columnheader" className="out-team" data-testid="output-team">
                <span className="mono">{t}</span>
                <span className="faint small out-message" title={messages.get(t)}>{messages.get(t)}</span>
              </div>
            ))}
          </div>
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {items.map((vi) => {
              const r = matrix.rows[vi.index]!
              return (
                <div
                  key={r.variantId} role="row" className="out-row" data-testid="output-row" data-variant={r.variantId} data-score={r.score ?? ''} data-tokens={r.tokens ?? ''}
                  data-index={vi.index} ref={virt.measureElement}
                  style={{ gridTemplateColumns: columns, position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${vi.start}px)` }}
                >
                  <div role="rowheader" className="out-variant mono">{r.variantId}{r.score !== null && <span className="faint small">{r.score.toFixed(2)}</span>}</div>
                  {matrix.teams.map((t) => <OutputCellView key={t} cell={r.cells[t]} />)}
                </div>
              )
            })}
          </div>
          </div>
        </div>
      )}
    </div>
  )
}

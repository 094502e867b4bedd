import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { RolloutDetail, VariantPhase, VariantView } from '../../../../../preload/contract'
import { Badge, Spinner, type Tone } from '../../../shared/ui'
import { phaseOf, variantKey } from '../outputs'
import { useRolloutsStore } from '../store'

export const PHASE_TONE: Record<VariantPhase, Tone> = { queued: 'neutral', starting: 'warn', running: 'info', judging: 'info', done: 'good', failed: 'bad' }
export const PHASE_TEXT: Record<VariantPhase, string> = { queued: 'queued', starting: 'starting', running: 'running', judging: 'judging', done: 'done', failed: 'failed' }

const CELL_H = 64
const GAP = 8
const HEAD_H = 30
const MIN_CELL_W = 190

type Item = { kind: 'team'; team: string; count: number } | { kind: 'row'; variants: VariantView[] }

/** Memoised: scrolling and a progress event re-render only the cells whose variant changed. */
const Cell = memo(function Cell({ v }: { v: VariantView }) {
  const phase = phaseOf(v)
  const key = variantKey(v)
  const open = useRolloutsStore((s) => s.cell === key)
  return (
    <button
      type="button"
      className={`variant-cell status-${v.status} phase-${phase}${open ? ' open' : ''}`}
      data-testid="variant-cell" data-status={v.status} data-phase={phase} data-key={key}
      title={`${key}${v.error ? `\n${v.error}` : ''}`}
      aria-label={`${key}: ${PHASE_TEXT[phase]}${v.metrics?.score != null ? `, score ${v.metrics.score.toFixed(2)}` : ''}. Show the answer`}
      aria-pressed={open}
      onClick={() => useRolloutsStore.getState().openCell(open ? null : key)}
    >
      <span className="variant-cell-head">
        <span className="mono variant-id">{v.variantId}</span>
        <Badge tone={PHASE_TONE[phase]}>{PHASE_TEXT[phase]}</Badge>
      </span>
      <span className="variant-cell-body">
        {v.metrics ? (
          <>
            <span>score <strong>{v.metrics.score === null ? '–' : v.metrics.score.toFixed(2)}</strong></span>
            <span className="faint nowrap">{v.metrics.usage.totalTokens.toLocaleString('en-US')} tok · {(v.metrics.wallMs / 1000).toFixed(1)} s</span>
          </>
        ) : v.error ? <span className="cell-error">{v.error}</span>
          : phase === 'starting' ? <span className="faint">starting worker…</span>
          : phase === 'running' ? <span className="faint">conversation running…</span>
          : phase === 'judging' ? <span className="faint">judges scoring…</span>
          : <span className="faint">waiting for a worker</span>}
      </span>
    </button>
  )
})

/**
 * One cell per variant, grouped by team, live from progress events. Virtualised: only the rows
 * in view are in the DOM, so a 2,000-variant rollout scrolls as smoothly as a 2-variant one.
 */
export function VariantGrid({ detail }: { detail: RolloutDetail }) {
  const scroller = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    setWidth(el.clientWidth)
    const ro = new ResizeObserver(() => setWidth(el.clientWidth))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  const cols = Math.max(1, Math.floor((width + GAP) / (MIN_CELL_W + GAP)))
  const multiTeam = useMemo(() => new Set(detail.variants.map((v) => v.team)).size > 1, [detail.variants])
  const items = useMemo(() => {
    const byTeam = new Map<string, VariantView[]>()
    for (const v of detail.variants) {
      // Appended in place: copying the team's list per variant was quadratic (2,000 variants: 2M copies per progress event).
      const list = byTeam.get(v.team)
      if (list) list.push(v)
      else byTeam.set(v.team, [v])
    }
    const out: Item[] = []
    for (const [team, vs] of byTeam) {
      if (multiTeam) out.push({ kind: 'team', team, count: vs.length })
      for (let i = 0; i < vs.length; i += cols) out.push({ kind: 'row', variants: vs.slice(i, i + cols) })
    }
    return out
  }, [detail.variants, cols, multiTeam])
  const virt = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (items[i]!.kind === 'team' ? HEAD_H : CELL_H + GAP),
    overscan: 4,
  })

  const phases = useMemo(() => {
    const n: Record<VariantPhase, number> = { queued: 0, starting: 0, running: 0, judging: 0, done: 0, failed: 0 }
    for (const v of detail.variants) n[phaseOf(v)]++
    return n
  }, [detail.variants])
  const { counts, total } = detail
  const finished = counts.done + counts.failed
  const coldStart = detail.active && phases.starting > 0 && phases.running + phases.judging + finished === 0
  const height = Math.min(virt.getTotalSize(), 440)

  return (
    <section className="variant-grid-wrap" aria-label="Variants">
      <div className="progress-line">
        <div className="progress" role="progressbar" aria-label="Rollout progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={finished}>
          <span className="progress-done" style={{ width: `${(counts.done / Math.max(1, total)) * 100}%` }} />
          <span className="progress-failed" style={{ width: `${(counts.failed / Math.max(1, total)) * 100}%` }} />
        </div>
        <span className="muted progress-text" data-testid="progress-text">
          {finished}/{total} finished
          {(['starting', 'running', 'judging', 'queued'] as const).filter((p) => phases[p]).map((p) => ` · ${phases[p]} ${p}`).join('')}
          {counts.failed ? ` · ${counts.failed} failed` : ''}
        </span>
      </div>
      {coldStart && (
        <p className="cold-start" role="status"><Spinner label="Starting workers" /> Starting workers… the first variants run in a few seconds.</p>
      )}
      <div className="variant-scroll" ref={scroller} style={{ height: height || undefined }} data-testid="variant-scroll">
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((vi) => {
            const item = items[vi.index]!
            return (
              <div key={vi.key} className="variant-vrow" style={{ transform: `translateY(${vi.start}px)`, height: vi.size }}>
                {item.kind === 'team'
                  ? <div className="team-head"><span className="mono team-name" title={item.team}>{item.team}</span><span className="faint">{item.count} variant{item.count === 1 ? '' : 's'}</span></div>
                  : <div className="variant-row" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>{item.variants.map((v) => <Cell key={v.variantId} v={v} />)}</div>}
              </div>
            )
          })}
        </div>
      </div>
      <p className="faint small grid-hint">Click a cell for the answer, the judge's comment, tokens, latency and transfers.</p>
    </section>
  )
}

import { useEffect, useRef } from 'react'
import { flattenOverrides, type RolloutDetail, type VariantView } from '../../../../../preload/contract'
import { formatMoney } from '../../../shared/format'
import { Badge, Button } from '../../../shared/ui'
import { openTranscript } from '../openTranscript'
import { errorsOf, phaseOf, variantKey } from '../outputs'
import { useRolloutsStore } from '../store'
import { FeedbackRounds } from './FeedbackRounds'
import { PHASE_TEXT, PHASE_TONE } from './VariantGrid'

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const n = (x: number) => x.toLocaleString('en-US')

function Scores({ v }: { v: VariantView }) {
  const scores = v.metrics?.scores ?? []
  if (!scores.length) return <p className="muted">No evaluator on this team.</p>
  return (
    <ul className="panel-scores">
      {scores.map((s) => (
        <li key={s.evaluator} data-testid="panel-score">
          <div className="panel-score-head">
            <span className="mono">{s.evaluator}</span>
            {s.score === null ? <Badge tone="bad">error</Badge> : <Badge tone={s.score >= 0.8 ? 'good' : s.score < 0.5 ? 'bad' : 'warn'}>{s.score.toFixed(3)}{s.spread !== undefined ? ` ±${(s.spread / 2).toFixed(2)}` : ''}</Badge>}
            {s.judgeModel && <span className="faint small">{s.judgeModel}</span>}
          </div>
          {(s.comment || s.error) && <p className={s.error ? 'panel-comment flow-out' : 'panel-comment'} data-testid="judge-comment">{s.comment ?? s.error}</p>}
        </li>
      ))}
    </ul>
  )
}

/**
 * The detail of one variant beside the grid: the initial message, the whole answer, every
 * evaluator's score and comment, tokens, latency, transfers, errors and its configuration;
 * "Open transcript" shows its conversation in Chat. Esc closes, ←/→ step through the variants.
 */
export function VariantPanel({ detail }: { detail: RolloutDetail }) {
  const key = useRolloutsStore((s) => s.cell)
  const ref = useRef<HTMLElement>(null)
  const index = detail.variants.findIndex((v) => variantKey(v) === key)
  const v = index >= 0 ? detail.variants[index]! : null
  const step = (d: number) => {
    const next = detail.variants[(index + d + detail.variants.length) % detail.variants.length]
    if (next) useRolloutsStore.getState().openCell(variantKey(next))
  }

  useEffect(() => {
    if (!key) return
    ref.current?.focus()
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.target instanceof HTMLElement && e.target.closest('input, select, textarea')) return
      if (e.key === 'Escape') useRolloutsStore.getState().openCell(null)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [key])

  if (!v) return null
  const m = v.metrics
  const phase = phaseOf(v)
  const errs = errorsOf(v)
  const config = flattenOverrides(v.overrides)
  return (
    <aside
      className="variant-panel" role="dialog" aria-label={`Variant ${variantKey(v)}`} tabIndex={-1} ref={ref}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return
        if (e.key === 'ArrowRight') step(1)
        else if (e.key === 'ArrowLeft') step(-1)
      }}
    >
      <header className="panel-head">
        <div className="panel-title">
          <span className="mono" title={variantKey(v)}>{variantKey(v)}</span>
          <Badge tone={PHASE_TONE[phase]}>{PHASE_TEXT[phase]}</Badge>
        </div>
        <div className="panel-nav">
          <Button variant="ghost" onClick={() => step(-1)} aria-label="Previous variant" title="Previous (←)">‹</Button>
          <Button variant="ghost" onClick={() => step(1)} aria-label="Next variant" title="Next (→)">›</Button>
          <Button variant="ghost" onClick={() => useRolloutsStore.getState().openCell(null)} aria-label="Close" title="Close (Esc)">✕</Button>
        </div>
      </header>
      <div className="panel-body">
        <section aria-label="Initial message">
          <h3>Initial message</h3>
          <p className="panel-text">{v.initialMessage ?? <span className="faint">–</span>}</p>
        </section>
        <section aria-label="Answer">
          <h3>Answer{m?.usage.offline && <span className="faint"> · offline scripted model</span>}</h3>
          {m?.answer
            ? <div className="panel-answer" data-testid="panel-answer">{m.answer}</div>
            : <p className="muted">{v.status === 'failed' ? 'No answer: the variant failed.' : m ? 'The agent gave no final answer.' : 'No answer yet.'}</p>}
        </section>
        <section aria-label="Scores">
          <h3>Scores and judge comments</h3>
          <Scores v={v} />
        </section>
        <FeedbackRounds v={v} />
        {errs.length > 0 && (
          <section aria-label="Errors">
            <h3>Errors</h3>
            <ul className="panel-errors">{errs.map((e, i) => <li key={i} className="flow-out">{e}</li>)}</ul>
          </section>
        )}
        {m && (
          <section aria-label="Usage">
            <h3>Tokens and latency</h3>
            <dl className="panel-facts">
              <div><dt>Tokens</dt><dd>{n(m.usage.totalTokens)} <span className="faint">({n(m.usage.promptTokens)} in · {n(m.usage.completionTokens)} out)</span></dd></div>
              <div><dt>Judge tokens</dt><dd>{n(m.judgeUsage.totalTokens)}</dd></div>
              <div><dt>Cost</dt><dd>${m.usage.costUsd.toFixed(4)}</dd></div>
              <div><dt>Elapsed</dt><dd>{secs(m.wallMs)}</dd></div>
              <div><dt>Model time</dt><dd>{secs(m.usage.modelMs)} <span className="faint">· {m.usage.calls} call{m.usage.calls === 1 ? '' : 's'}</span></dd></div>
              <div><dt>Tool calls</dt><dd>{m.toolCalls}{m.toolErrors ? <span className="flow-out"> · {m.toolErrors} failed</span> : ''}</dd></div>
            </dl>
          </section>
        )}
        {m?.ledger && (
          <section aria-label="Transfers">
            <h3>Transfers</h3>
            {m.ledger.transfers.length === 0 ? <p className="muted">No transfers.</p> : (
              <ul className="panel-transfers">
                {m.ledger.transfers.map((t) => (
                  <li key={t.transactionId}><span className="mono">{t.from} → {t.to}</span> <strong>{formatMoney(t.amount)}</strong> <span className="faint">{t.reason}</span></li>
                ))}
              </ul>
            )}
            <p className="faint small">{m.ledger.agent}: final balance {m.ledger.finalBalance ? formatMoney(m.ledger.finalBalance) : '–'}, net flow {formatMoney(m.ledger.netFlow)}</p>
          </section>
        )}
        <section aria-label="Configuration">
          <h3>Configuration</h3>
          <dl className="panel-config">
            {Object.entries(config).map(([k, x]) => <div key={k}><dt className="mono">{k}</dt><dd className="mono">{x}</dd></div>)}
          </dl>
        </section>
      </div>
      <footer className="panel-foot">
        <Button variant="primary" disabled={!v.conversationId} onClick={() => v.conversationId && void openTranscript(v.conversationId)} title={v.conversationId ?? 'The conversation starts when the variant runs'}>
          Open transcript
        </Button>
        <span className="faint small">{index + 1} of {detail.variants.length}</span>
      </footer>
    </aside>
  )
}

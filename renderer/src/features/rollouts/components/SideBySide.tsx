import { flattenOverrides, type RolloutDetail, type VariantView } from '../../../../../preload/contract'
import { Badge } from '../../../shared/ui'
import { differingKeys, variantKey } from '../outputs'
import { useRolloutsStore } from '../store'

function Side({ v, diff, side }: { v: VariantView; diff: string[]; side: 'A' | 'B' }) {
  const m = v.metrics
  const config = flattenOverrides(v.overrides)
  return (
    <section className="sbs-side" aria-label={`Variant ${side}`} data-testid={`sbs-${side}`}>
      <div className="sbs-facts">
        {m?.score != null ? <Badge tone={m.score >= 0.8 ? 'good' : m.score < 0.5 ? 'bad' : 'warn'}>score {m.score.toFixed(3)}</Badge> : <Badge tone={v.status === 'failed' ? 'bad' : 'neutral'}>{v.status}</Badge>}
        {m && <span className="faint small">{m.usage.totalTokens.toLocaleString('en-US')} tok · ${m.usage.costUsd.toFixed(4)} · {(m.wallMs / 1000).toFixed(1)} s</span>}
      </div>
      <div className="panel-answer sbs-answer" data-testid="sbs-answer">{m?.answer ?? <span className="faint">{v.error ?? 'no answer'}</span>}</div>
      {m?.scores.map((s) => (s.comment || s.error) && (
        <p key={s.evaluator} className="sbs-comment" data-testid="sbs-comment"><span className="mono faint">{s.evaluator}:</span> {s.comment ?? s.error}</p>
      ))}
      <dl className="panel-config">
        {Object.entries(config).map(([k, x]) => <div key={k} className={diff.includes(k) ? 'sbs-diff' : ''}><dt className="mono">{k}</dt><dd className="mono">{x}</dd></div>)}
      </dl>
    </section>
  )
}

/** Two variants' answers, scores, judge comments and configurations next to each other (differences marked). */
export function SideBySide({ detail }: { detail: RolloutDetail }) {
  const pair = useRolloutsStore((s) => s.pair)
  const keys = detail.variants.map(variantKey)
  const a = detail.variants.find((v) => variantKey(v) === (pair[0] ?? keys[0]))
  const b = detail.variants.find((v) => variantKey(v) === (pair[1] ?? keys[1] ?? keys[0]))
  const pick = (side: 0 | 1, value: string | undefined) => (
    <select value={value ?? ''} onChange={(e) => useRolloutsStore.getState().setPair(side, e.target.value)} aria-label={`Pick variant ${side === 0 ? 'A' : 'B'}`}>
      {keys.map((k) => <option key={k} value={k}>{k}</option>)}
    </select>
  )
  if (!a || !b) return <p className="muted">Nothing to compare yet.</p>
  const diff = differingKeys(a, b)
  return (
    <div className="sbs" data-testid="side-by-side">
      <div className="sbs-pick">
        <label className="inline-field">A {pick(0, variantKey(a))}</label>
        <label className="inline-field">B {pick(1, variantKey(b))}</label>
        <span className="faint small">{diff.length ? <>differ in <span className="mono">{diff.join(', ')}</span></> : 'same configuration'}</span>
      </div>
      <div className="sbs-cols">
        <Side v={a} diff={diff} side="A" />
        <Side v={b} diff={diff} side="B" />
      </div>
    </div>
  )
}

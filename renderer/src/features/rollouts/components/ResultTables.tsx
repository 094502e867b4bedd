import { flattenOverrides, type RolloutDetail, type VariantView } from '../../../../../preload/contract'
import { formatMoney } from '../../../shared/format'
import { bestLabel } from '../labels'
import { improvementOf, metricValueOf, namedMetricsOf } from '../learning'
import { errorsOf } from '../outputs'
import { useRolloutsStore } from '../store'

const num = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))
const signed = (d: string) => (d.startsWith('-') ? <span className="flow-out">{formatMoney(d)}</span> : Number(d) > 0 ? <span className="flow-in">+{formatMoney(d)}</span> : <span>{formatMoney(d)}</span>)
const open = (v: VariantView) => useRolloutsStore.getState().openCell(`${v.team}/${v.variantId}`)

/** Metrics per variant: scores, tokens, cost, latency, tool calls, errors, ledger. */
export function MetricsTable({ detail }: { detail: RolloutDetail }) {
  const scoreNames = [...new Set(detail.variants.flatMap((v) => v.metrics?.scores.map((s) => s.evaluator) ?? []))]
  const metricNames = namedMetricsOf(detail.variants)
  const looped = detail.variants.some((v) => v.metrics?.rounds)
  // Only for rollouts that ran on scale-out workers (`p2engine worker`).
  const workers = detail.variants.some((v) => v.worker)
  return (
    <section aria-label="Metrics per variant">
      <div className="table-scroll">
        <table className="table" data-testid="metrics-table">
          <thead>
            <tr>
              <th>Team</th><th>Variant</th>{workers && <th>Worker</th>}{scoreNames.map((s) => <th key={s} className="num">{s}</th>)}
              {metricNames.map((n) => <th key={`m:${n}`} className="num">{n}</th>)}
              {looped && <><th className="num">Rounds</th><th className="num">Improvement</th></>}
              <th className="num">Tokens</th><th className="num">Judge tok</th><th className="num">Cost $</th><th className="num">Elapsed s</th><th className="num">Model s</th>
              <th className="num">Tools</th><th>Errors</th><th className="num">Final balance</th><th className="num">Net flow</th><th className="num">Transfers</th>
            </tr>
          </thead>
          <tbody>
            {detail.variants.map((v) => {
              const m = v.metrics
              const errs = errorsOf(v)
              return (
                <tr key={`${v.team}/${v.variantId}`} data-testid="metrics-row" className="clickable-row" onClick={() => open(v)}>
                  <td className="mono">{v.team}</td>
                  <td className="mono"><button type="button" className="link-button mono" onClick={(e) => { e.stopPropagation(); open(v) }}>{v.variantId}</button></td>
                  {workers && <td className="mono">{v.worker ?? '–'}</td>}
                  {scoreNames.map((name) => {
                    const s = m?.scores.find((x) => x.evaluator === name)
                    return (
                      <td key={name} className="num" title={s?.comment}>
                        {!s ? '–' : s.score === null ? <span className="flow-out">error</span> : <span className={s.score >= 0.8 ? 'flow-in' : s.score < 0.3 ? 'flow-out' : ''}>{s.score.toFixed(3)}{s.spread !== undefined ? `±${(s.spread / 2).toFixed(2)}` : ''}</span>}
                      </td>
                    )
                  })}
                  {metricNames.map((n) => <td key={`m:${n}`} className="num">{num(metricValueOf(v, n), 3)}</td>)}
                  {looped && <><td className="num" title={m?.rounds?.map((r) => `round ${r.round}: ${r.score === null ? 'error' : r.score.toFixed(3)} (branch ${r.branchId})`).join('\n')}>{m?.rounds ? m.rounds.map((r) => (r.score === null ? 'error' : r.score.toFixed(2))).join(' → ') : '–'}</td><td className="num">{num(improvementOf(v), 3)}</td></>}
                  <td className="num">{num(m?.usage.totalTokens)}</td>
                  <td className="num">{num(m?.judgeUsage.totalTokens)}</td>
                  <td className="num">{num(m?.usage.costUsd, 4)}</td>
                  <td className="num">{m ? (m.wallMs / 1000).toFixed(1) : '–'}</td>
                  <td className="num">{m ? (m.usage.modelMs / 1000).toFixed(1) : '–'}</td>
                  <td className="num">{num(m?.toolCalls)}</td>
                  <td className="errors-cell" title={errs.join('\n')}>{errs.length ? <span className="flow-out">{errs.join('; ')}</span> : ''}</td>
                  <td className="num">{m?.ledger?.finalBalance ? formatMoney(m.ledger.finalBalance) : '–'}</td>
                  <td className="num">{m?.ledger ? signed(m.ledger.netFlow) : '–'}</td>
                  <td className="num">{m?.ledger ? m.ledger.transfers.length : '–'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** Variant configuration: one column per override key. */
export function ConfigTable({ detail }: { detail: RolloutDetail }) {
  const flat = detail.variants.map((v) => flattenOverrides(v.overrides))
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))]
  return (
    <section aria-label="Variant configuration">
      <div className="table-scroll">
        <table className="table">
          <thead><tr><th>Team</th><th>Variant</th>{keys.map((k) => <th key={k}>{k}</th>)}</tr></thead>
          <tbody>
            {detail.variants.map((v, i) => (
              <tr key={`${v.team}/${v.variantId}`}>
                <td className="mono">{v.team}</td><td className="mono">{v.variantId}</td>
                {keys.map((k) => <td key={k} className="mono cfg-cell" title={flat[i]![k]}>{flat[i]![k] ?? '–'}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** Team aggregate with the best variant (or the variants that tie for the top score). */
export function TeamTable({ detail }: { detail: RolloutDetail }) {
  return (
    <section aria-label="Teams">
      <h3 className="sub-title">Teams</h3>
      <div className="table-scroll">
      <table className="table" data-testid="team-table">
        <thead><tr><th>Team</th><th className="num">Variants</th><th className="num">Done</th><th className="num">Failed</th><th className="num">Mean score</th><th>Best variant</th><th className="num">Tokens</th><th className="num">Cost $</th></tr></thead>
        <tbody>
          {detail.teams.map((t) => (
            <tr key={t.team}>
              <td className="mono">{t.team}</td><td className="num">{t.variants}</td><td className="num">{t.done}</td><td className="num">{t.failed}</td>
              <td className="num">{num(t.meanScore, 3)}</td>
              <td className="mono" data-testid="team-best" title={t.tie ? 'Several variants share the top score: none is best' : undefined}>{bestLabel(t)}</td>
              <td className="num">{num(t.totalTokens)}</td><td className="num">{num(t.costUsd, 4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  )
}

import type { RolloutDetail } from '../../../../../preload/contract'
import { useRolloutsStore } from '../store'
import { SideBySide } from './SideBySide'

const f = (n: number | null, digits: number, sign = false) => (n === null ? '–' : (sign && n > 0 ? '+' : '') + n.toFixed(digits))
const tone = (n: number | null, goodUp: boolean) => (n === null || n === 0 ? '' : (n > 0) === goodUp ? 'flow-in' : 'flow-out')

/** Two variants side by side, and this rollout against another one (matched by team/variant). */
export function ComparePanel({ detail }: { detail: RolloutDetail }) {
  const rollouts = useRolloutsStore((s) => s.rollouts)
  const compareWith = useRolloutsStore((s) => s.compareWith)
  const rows = useRolloutsStore((s) => s.compare)
  return (
    <div className="compare-panel">
      <h3 className="sub-title">Two variants side by side</h3>
      <SideBySide detail={detail} />
      <h3 className="sub-title">Against another rollout</h3>
      <label className="inline-field">
        Compare with
        <select value={compareWith ?? ''} onChange={(e) => void useRolloutsStore.getState().setCompare(e.target.value || null)} aria-label="Compare with rollout">
          <option value="">another rollout…</option>
          {rollouts.filter((r) => r.id !== detail.id).map((r) => <option key={r.id} value={r.id}>{r.name} · {r.id}</option>)}
        </select>
      </label>
      {rows ? (
        <div className="table-scroll">
          <table className="table compare-table" data-testid="compare-table">
            <thead><tr><th>Variant</th><th className="num">Score</th><th className="num">Δ score</th><th className="num">Cost $</th><th className="num">Δ cost</th><th className="num">Tokens</th><th className="num">Δ tokens</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.variant}>
                  <td className="mono">{r.variant}</td>
                  <td className="num nowrap">{f(r.score1, 3)} → {f(r.score2, 3)}</td><td className={`num ${tone(r.scoreDelta, true)}`}>{f(r.scoreDelta, 3, true)}</td>
                  <td className="num nowrap">{f(r.cost1, 4)} → {f(r.cost2, 4)}</td><td className={`num ${tone(r.costDelta, false)}`}>{f(r.costDelta, 4, true)}</td>
                  <td className="num nowrap">{f(r.tokens1, 0)} → {f(r.tokens2, 0)}</td><td className={`num ${tone(r.tokensDelta, false)}`}>{f(r.tokensDelta, 0, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">Pick an earlier rollout to see score, cost and token deltas per variant (earlier → this one).</p>}
    </div>
  )
}

import { useState } from 'react'
import type { RolloutDetail } from '../../../../../preload/contract'
import { Button, Card } from '../../../shared/ui'
import { rolloutsApi } from '../api'
import { useRolloutsStore } from '../store'

const f = (n: number | null, digits: number, sign = false) => (n === null ? '–' : (sign && n > 0 ? '+' : '') + n.toFixed(digits))
const tone = (n: number | null, goodUp: boolean) => (n === null || n === 0 ? '' : (n > 0) === goodUp ? 'flow-in' : 'flow-out')

/** Compare with an earlier rollout (matched by team/variant) and export as json, jsonl or csv. */
export function ComparePanel({ detail }: { detail: RolloutDetail }) {
  const rollouts = useRolloutsStore((s) => s.rollouts)
  const compareWith = useRolloutsStore((s) => s.compareWith)
  const rows = useRolloutsStore((s) => s.compare)
  const [exporting, setExporting] = useState<string | null>(null)

  const download = async (format: 'json' | 'jsonl' | 'csv') => {
    setExporting(format)
    try {
      const file = await rolloutsApi.export(detail.id, format)
      const url = URL.createObjectURL(new Blob([file.text], { type: file.mime }))
      const a = document.createElement('a')
      a.href = url
      a.download = file.fileName
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
    } catch (err) {
      useRolloutsStore.setState({ error: { code: 'EXPORT', message: err instanceof Error ? err.message : String(err) } })
    } finally {
      setExporting(null)
    }
  }

  return (
    <Card title="Compare and export" label="Compare and export" actions={
      <>
        {(['csv', 'json', 'jsonl'] as const).map((fmt) => <Button key={fmt} variant="secondary" busy={exporting === fmt} onClick={() => void download(fmt)}>Export {fmt.toUpperCase()}</Button>)}
      </>
    }>
      <label className="inline-field">
        Compare with
        <select value={compareWith ?? ''} onChange={(e) => void useRolloutsStore.getState().setCompare(e.target.value || null)} aria-label="Compare with rollout">
          <option value="">another rollout…</option>
          {rollouts.filter((r) => r.id !== detail.id).map((r) => <option key={r.id} value={r.id}>{r.id} · {r.specFile}</option>)}
        </select>
      </label>
      {rows && (
        <table className="table compare-table" data-testid="compare-table">
          <thead><tr><th>Variant</th><th className="num">Score</th><th className="num">Δ score</th><th className="num">Cost $</th><th className="num">Δ cost</th><th className="num">Tokens</th><th className="num">Δ tokens</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.variant}>
                <td className="mono">{r.variant}</td>
                <td className="num">{f(r.score1, 3)} → {f(r.score2, 3)}</td><td className={`num ${tone(r.scoreDelta, true)}`}>{f(r.scoreDelta, 3, true)}</td>
                <td className="num">{f(r.cost1, 4)} → {f(r.cost2, 4)}</td><td className={`num ${tone(r.costDelta, false)}`}>{f(r.costDelta, 4, true)}</td>
                <td className="num">{f(r.tokens1, 0)} → {f(r.tokens2, 0)}</td><td className={`num ${tone(r.tokensDelta, false)}`}>{f(r.tokensDelta, 0, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!rows && <p className="muted">Pick an earlier rollout to see score, cost and token deltas per variant (earlier → this one).</p>}
    </Card>
  )
}

import type { RolloutDetail } from '../../../../../preload/contract'
import { formatMoney } from '../../../shared/format'
import { Alert } from '../../../shared/ui'

const signed = (d: string) => (d.startsWith('-') ? <span className="flow-out">{formatMoney(d)}</span> : Number(d) > 0 ? <span className="flow-in">+{formatMoney(d)}</span> : <span>{formatMoney(d)}</span>)

/**
 * The rollout's own money: its transfers and volume, and what each agent sent, received and
 * netted through them (attributed by variant conversation, so other rollouts and chats never
 * leak in). A rollout run with the ledger off says so instead.
 */
export function LedgerFlowsTable({ detail }: { detail: RolloutDetail }) {
  if (!detail.ledgerEnabled) {
    return (
      <section aria-label="Ledger flows">
        <Alert tone="info" title="Ledger disabled">Ledger disabled (LEDGER_ENABLED=false): no ledger figures. Agents had no wallet tools and nothing was recorded for this rollout.</Alert>
      </section>
    )
  }
  const { transfers, volume, agents } = detail.ledgerFlows
  return (
    <section aria-label="Ledger flows">
      <h3 className="sub-title">Ledger flows</h3>
      <dl className="ledger-summary">
        <div><dt>Transfers</dt><dd data-testid="flow-transfers">{transfers}</dd></div>
        <div><dt>Volume</dt><dd>{formatMoney(volume)}</dd></div>
      </dl>
      {agents.length === 0 ? <p className="muted">This rollout moved no money.</p> : (
        <div className="table-scroll">
          <table className="table" data-testid="ledger-flows">
            <thead><tr><th>Agent</th><th className="num">Sent</th><th className="num">Received</th><th className="num">Net</th></tr></thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.agent} data-testid="flow-row" data-agent={a.agent}>
                  <td className="mono">{a.agent}</td><td className="num">{formatMoney(a.sent)}</td><td className="num">{formatMoney(a.received)}</td><td className="num">{signed(a.net)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="faint">Only this rollout’s own transfers (by its variants’ conversations); other rollouts and chats are not counted.</p>
    </section>
  )
}

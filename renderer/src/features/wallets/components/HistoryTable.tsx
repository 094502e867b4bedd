import { formatMoney, formatTime, shortId } from '../../../shared/format'
import { Button, Card, EmptyState } from '../../../shared/ui'
import { useWalletsStore } from '../store'

/** Transfers of the selected agent (or all), newest first, with direction and counterparty. */
export function HistoryTable() {
  const history = useWalletsStore((s) => s.history)
  const selected = useWalletsStore((s) => s.selected)
  const select = useWalletsStore((s) => s.select)
  const title = selected ? `History · ${selected}` : 'History · all agents'
  return (
    <Card
      title={title}
      label="History"
      actions={selected && <Button variant="ghost" onClick={() => void select(null)}>Show all</Button>}
    >
      {history.length === 0 ? (
        <EmptyState title={selected ? `${selected} has no transfers yet` : 'No transfers yet'}>
          Send funds with the transfer form; each transfer appears here with its transaction id.
        </EmptyState>
      ) : (
        <table className="table history" data-testid="history">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">{selected ? 'Direction' : 'From → To'}</th>
              <th scope="col" className="num">Amount</th>
              <th scope="col">Reason</th>
              <th scope="col">Transaction</th>
            </tr>
          </thead>
          <tbody>
            {history.map((r) => {
              const sent = selected === r.fromAgent
              return (
                <tr key={r.contractId} data-testid="history-row">
                  <td className="faint nowrap">{formatTime(r.timestamp)}</td>
                  <td>
                    {selected ? (
                      <span className={sent ? 'flow-out' : 'flow-in'}>{sent ? `↑ to ${r.toAgent}` : `↓ from ${r.fromAgent}`}</span>
                    ) : (
                      <span>{r.fromAgent} <span className="faint">→</span> {r.toAgent}</span>
                    )}
                  </td>
                  <td className={`num ${selected ? (sent ? 'flow-out' : 'flow-in') : ''}`}>
                    {selected ? (sent ? '−' : '+') : ''}{formatMoney(r.amount)}
                  </td>
                  <td className="reason" title={r.reason}>{r.reason}</td>
                  <td className="mono faint" title={r.transactionId}>{shortId(r.transactionId)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </Card>
  )
}

import { useMemo } from 'react'
import { formatMoney, formatTime, percentOf } from '../../../shared/format'
import { Card } from '../../../shared/ui'
import { useWalletsStore } from '../store'

/** One row per wallet with a share-of-supply bar; a row selects that agent's history. */
export function BalancesTable() {
  const wallets = useWalletsStore((s) => s.wallets)
  const selected = useWalletsStore((s) => s.selected)
  const select = useWalletsStore((s) => s.select)
  const max = useMemo(() => wallets.reduce((m, w) => (Number(w.balance) > Number(m) ? w.balance : m), '0'), [wallets])

  return (
    <Card title="Balances" label="Balances" className="balances">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col" className="num">Balance</th>
            <th scope="col" className="bar-col"><span className="visually-hidden">Share</span></th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {wallets.map((w) => {
            const active = selected === w.agent
            return (
              <tr key={w.agent} className={`row-select ${active ? 'row-active' : ''}`} data-testid={`wallet-${w.agent}`}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={active}
                    onClick={() => void select(active ? null : w.agent)}
                    title={active ? 'Show every transfer' : `Show ${w.agent}'s history`}
                  >
                    <span className="avatar" aria-hidden="true">{w.agent.replace(/^agent_/, '').slice(0, 2).toUpperCase()}</span>
                    {w.agent}
                  </button>
                </td>
                <td className="num balance" data-testid={`balance-${w.agent}`}>{formatMoney(w.balance)}</td>
                <td className="bar-col">
                  <div className="bar" aria-hidden="true"><span style={{ width: `${percentOf(w.balance, max)}%` }} /></div>
                </td>
                <td className="faint">{formatTime(w.created)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </Card>
  )
}

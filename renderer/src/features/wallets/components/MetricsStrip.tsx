import { formatMoney } from '../../../shared/format'
import { useWalletsStore } from '../store'

/** Supply, wallets, transactions and volume at a glance. */
export function MetricsStrip() {
  const m = useWalletsStore((s) => s.metrics)
  if (!m) return null
  const items: [string, string][] = [
    ['Total supply', formatMoney(m.totalBalance)],
    ['Wallets', String(m.walletCount)],
    ['Transfers', String(m.transactionCount)],
    ['Volume moved', formatMoney(m.totalVolume)],
    ['Average balance', formatMoney(m.averageBalance)],
  ]
  return (
    <dl className="metrics" aria-label="Ledger metrics">
      {items.map(([label, value]) => (
        <div className="metric" key={label}>
          <dt>{label}</dt>
          <dd className="num">{value}</dd>
        </div>
      ))}
    </dl>
  )
}

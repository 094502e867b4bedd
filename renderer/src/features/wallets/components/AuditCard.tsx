import { formatMoney } from '../../../shared/format'
import { Badge, Card } from '../../../shared/ui'
import { useWalletsStore } from '../store'

/** The ledger invariant check and the backend it ran against. */
export function AuditCard() {
  const audit = useWalletsStore((s) => s.audit)
  const status = useWalletsStore((s) => s.status)
  if (!audit) return null
  return (
    <Card title="Audit" label="Audit" actions={<Badge tone={audit.ok ? 'good' : 'bad'}>{audit.ok ? 'Invariants OK' : `${audit.violations.length} violation(s)`}</Badge>}>
      {audit.ok ? (
        <p className="audit-line">
          Supply <strong className="num">{formatMoney(audit.supply)}</strong> equals everything minted
          ({formatMoney(audit.minted)}). Checked {audit.checked.wallets} wallets, {audit.checked.records} transfer records and {audit.checked.transactions} transactions.
        </p>
      ) : (
        <>
          <p className="audit-line">The ledger breaks its invariants. Nothing was changed by this check; run <code>p2engine ledger audit</code> for the full trail.</p>
          <ul className="violations">
            {audit.violations.map((v) => <li key={v}>{v}</li>)}
          </ul>
        </>
      )}
      {status && (
        <dl className="kv">
          <div><dt>Backend</dt><dd>{status.backend}</dd></div>
          <div><dt>Party</dt><dd className="mono">{status.party}</dd></div>
          <div><dt>Status</dt><dd>{status.ready ? 'ready' : 'unavailable'} · {status.detail}</dd></div>
        </dl>
      )}
    </Card>
  )
}

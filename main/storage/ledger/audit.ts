import { z } from 'zod'
import { addUnits, formatDecimal, parseDecimal } from '../../engine/ledger/decimal'
import type { AuditReport } from '../../engine/ports/ledger'
import type { MetricsRow, RecordRow, TxRow, WalletRow } from './statements'

export interface LedgerSnapshot {
  versions: WalletRow[]
  records: RecordRow[]
  transactions: TxRow[]
  metrics: MetricsRow | null
}

const Created = z.object({ agent: z.string(), initialBalance: z.string() })

/**
 * The invariants behind `ledger audit`: total supply equals everything ever minted, no
 * balance is negative, every transfer record matches the wallet versions its transaction
 * archived and created, and SystemMetrics agrees with the records.
 */
export function auditLedger(s: LedgerSnapshot): AuditReport {
  const violations: string[] = []
  const active = s.versions.filter((w) => w.archived_tx === null)
  const supply = active.reduce((sum, w) => addUnits(sum, parseDecimal(w.balance)), 0n)

  let minted = 0n
  for (const tx of s.transactions) {
    if (tx.kind !== 'wallet_created' && tx.kind !== 'wallet_migrated') continue
    const d = Created.safeParse(JSON.parse(tx.details))
    if (!d.success) { violations.push(`transaction ${tx.tx_id}: wallet event details are malformed`); continue }
    minted += parseDecimal(d.data.initialBalance)
    const made = s.versions.filter((w) => w.created_tx === tx.tx_id)
    if (made.length !== 1 || made[0]!.agent !== d.data.agent || parseDecimal(made[0]!.balance) !== parseDecimal(d.data.initialBalance)) {
      violations.push(`transaction ${tx.tx_id}: wallet creation for ${d.data.agent} does not match the wallet it created`)
    }
  }
  if (supply !== minted) {
    violations.push(`total supply ${formatDecimal(supply)} differs from the minted total ${formatDecimal(minted)}`)
  }
  for (const w of active) {
    if (parseDecimal(w.balance) < 0n) violations.push(`wallet ${w.agent} (${w.contract_id}) has a negative balance ${w.balance}`)
  }
  const perAgent = new Map<string, number>()
  for (const w of active) perAgent.set(w.agent, (perAgent.get(w.agent) ?? 0) + 1)
  for (const [agent, n] of perAgent) if (n > 1) violations.push(`agent ${agent} has ${n} active wallets; the key (party, agent) must be unique`)

  const byCreatedTx = new Map<string, WalletRow[]>()
  const byArchivedTx = new Map<string, WalletRow[]>()
  for (const w of s.versions) {
    push(byCreatedTx, w.created_tx, w)
    if (w.archived_tx) push(byArchivedTx, w.archived_tx, w)
  }
  let volume = 0n
  for (const r of s.records) {
    const amount = parseDecimal(r.amount)
    volume += amount
    const old = byArchivedTx.get(r.tx_id) ?? []
    const now = byCreatedTx.get(r.tx_id) ?? []
    const delta = (agent: string, sign: bigint): string | null => {
      const a = old.find((w) => w.agent === agent)
      const b = now.find((w) => w.agent === agent)
      if (!a || !b) return `transfer ${r.contract_id} (${r.tx_id}): ${agent}'s wallet was not archived and re-created by the transaction`
      const expected = parseDecimal(a.balance) + sign * amount
      return parseDecimal(b.balance) === expected
        ? null
        : `transfer ${r.contract_id} (${r.tx_id}): ${agent}'s balance went ${a.balance} → ${b.balance}, expected ${formatDecimal(expected)}`
    }
    for (const v of [delta(r.from_agent, -1n), delta(r.to_agent, 1n)]) if (v) violations.push(v)
  }
  if (s.metrics) {
    if (s.metrics.transaction_count !== s.records.length) {
      violations.push(`SystemMetrics counts ${s.metrics.transaction_count} transactions, the ledger holds ${s.records.length} transfer records`)
    }
    if (parseDecimal(s.metrics.total_volume) !== volume) {
      violations.push(`SystemMetrics volume ${s.metrics.total_volume} differs from the records' total ${formatDecimal(volume)}`)
    }
  }
  return {
    ok: violations.length === 0,
    violations,
    checked: { wallets: active.length, records: s.records.length, transactions: s.transactions.length },
    supply: formatDecimal(supply),
    minted: formatDecimal(minted),
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

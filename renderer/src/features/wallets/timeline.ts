import type { LedgerEvent } from '../../../../preload/contract'

/** One agent's balance after each ledger transaction that touched it. */
export interface BalanceSeries {
  agent: string
  /** [transaction index, balance] with balance as a number, for drawing only. */
  points: [number, number][]
}

/**
 * Rebuilds balances over time from the audit trail (wallet creations and transfers carry the
 * resulting balances). X is the transaction's position, so bursts of activity stay readable.
 */
export function balanceSeries(events: readonly LedgerEvent[]): { series: BalanceSeries[]; steps: number } {
  const ordered = [...events].sort((a, b) => a.offset - b.offset)
  const byAgent = new Map<string, [number, number][]>()
  const push = (agent: unknown, balance: unknown, x: number) => {
    if (typeof agent !== 'string' || typeof balance !== 'string') return
    const pts = byAgent.get(agent) ?? []
    pts.push([x, Number(balance)])
    byAgent.set(agent, pts)
  }
  ordered.forEach((e, x) => {
    const d = e.details
    if (e.type === 'transfer_executed') {
      push(d.from, d.fromBalance, x)
      push(d.to, d.toBalance, x)
    } else {
      push(d.agent, d.initialBalance, x)
    }
  })
  return { series: [...byAgent].map(([agent, points]) => ({ agent, points })), steps: ordered.length }
}

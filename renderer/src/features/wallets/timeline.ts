import type { LedgerEvent } from '../../../../preload/contract'

/** One agent's balance after each ledger transaction that touched it. */
export interface BalanceSeries {
  agent: string
  /** [epoch ms, balance] with balance as a number, for drawing only; in time order. */
  points: [number, number][]
}

export interface BalanceTimeline {
  /** One series per agent, in the order their wallets were created. */
  series: BalanceSeries[]
  /** Time of the first and the last event (epoch ms). */
  from: number
  to: number
  /** How many transfers the trail holds. */
  transfers: number
}

/**
 * Rebuilds balances over time from the audit trail (wallet creations and transfers carry the
 * resulting balances). X is the event's commit time, so an hour of silence takes the room an hour
 * should, and a burst of transfers stays a burst.
 */
export function balanceSeries(events: readonly LedgerEvent[]): BalanceTimeline {
  const ordered = [...events].sort((a, b) => a.offset - b.offset)
  const byAgent = new Map<string, [number, number][]>()
  let transfers = 0
  const push = (agent: unknown, balance: unknown, t: number) => {
    if (typeof agent !== 'string' || typeof balance !== 'string') return
    const pts = byAgent.get(agent) ?? []
    pts.push([t, Number(balance)])
    byAgent.set(agent, pts)
  }
  let from = Infinity
  let to = -Infinity
  for (const e of ordered) {
    const t = Date.parse(e.at)
    if (!Number.isFinite(t)) continue
    from = Math.min(from, t)
    to = Math.max(to, t)
    const d = e.details
    if (e.type === 'transfer_executed') {
      transfers++
      push(d.from, d.fromBalance, t)
      push(d.to, d.toBalance, t)
    } else {
      push(d.agent, d.initialBalance, t)
    }
  }
  if (!Number.isFinite(from)) from = to = 0
  return { series: [...byAgent].map(([agent, points]) => ({ agent, points })), from, to, transfers }
}

/** About `count` round tick times between `from` and `to` (epoch ms): seconds, minutes, hours or days. */
export function timeTicks(from: number, to: number, count = 4): number[] {
  const span = Math.max(1, to - from)
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((s) => s * 1000)
  const step = steps.find((s) => span / s <= count) ?? steps[steps.length - 1]!
  const ticks: number[] = []
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t)
  return ticks
}

/** A tick label: time of day for spans under a day, else the date. */
export function tickLabel(t: number, span: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  if (span >= 2 * 86_400_000) return `${d.getMonth() + 1}/${d.getDate()}`
  return span < 120_000 ? `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` : `${p(d.getHours())}:${p(d.getMinutes())}`
}

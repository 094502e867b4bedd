import { describe, expect, it } from 'vitest'
import type { LedgerEvent } from '../../../../preload/contract'
import { balanceSeries, timeTicks } from './timeline'

const ev = (offset: number, at: string, type: LedgerEvent['type'], details: Record<string, unknown>): LedgerEvent =>
  ({ offset, transactionId: `tx${offset}`, commandId: `c${offset}`, type, at, details })

describe('balanceSeries', () => {
  it('places each balance at its commit time, one series per agent in creation order', () => {
    const t = balanceSeries([
      ev(3, '2026-01-01T10:10:00.000Z', 'transfer_executed', { from: 'a', to: 'b', fromBalance: '90.0', toBalance: '110.0' }),
      ev(1, '2026-01-01T10:00:00.000Z', 'wallet_created', { agent: 'a', initialBalance: '100.0' }),
      ev(2, '2026-01-01T10:00:00.000Z', 'wallet_created', { agent: 'b', initialBalance: '100.0' }),
    ])
    const at = (iso: string) => Date.parse(iso)
    expect(t).toEqual({
      series: [
        { agent: 'a', points: [[at('2026-01-01T10:00:00.000Z'), 100], [at('2026-01-01T10:10:00.000Z'), 90]] },
        { agent: 'b', points: [[at('2026-01-01T10:00:00.000Z'), 100], [at('2026-01-01T10:10:00.000Z'), 110]] },
      ],
      from: at('2026-01-01T10:00:00.000Z'),
      to: at('2026-01-01T10:10:00.000Z'),
      transfers: 1,
    })
  })
})

describe('timeTicks', () => {
  it('picks round steps that fit the span', () => {
    const from = Date.parse('2026-01-01T10:00:00.000Z')
    expect(timeTicks(from, from + 10 * 60_000).map((t) => (t - from) / 60_000)).toEqual([0, 5, 10])
    expect(timeTicks(from + 500, from + 3_500)).toEqual([from + 1000, from + 2000, from + 3000])
  })
})

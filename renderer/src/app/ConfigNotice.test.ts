import { describe, expect, it } from 'vitest'
import { configNoticeLines } from './ConfigNotice'

describe('configNoticeLines', () => {
  it('puts the ledger note first, then each ignored setting; nothing to say means no notice', () => {
    const redis = 'REDIS_HOST (.env) is ignored: P2Engine keeps its state in SQLite under P2ENGINE_HOME and uses no Redis'
    const ledger = 'Ledger disabled (LEDGER_ENABLED=false): agents get no wallet tools and rollouts record no ledger figures.'
    expect(configNoticeLines({ configWarnings: [redis], ledgerNote: ledger })).toEqual([ledger, redis])
    expect(configNoticeLines({ configWarnings: [], ledgerNote: null })).toEqual([])
    expect(configNoticeLines(null)).toEqual([])
  })
})

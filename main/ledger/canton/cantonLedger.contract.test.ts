import { expect } from 'vitest'
import { describeLedgerContract } from '../contract/ledgerContract'
import { CantonLedger } from './cantonLedger'
import { FakeLedgerApi } from './testing/fakeLedgerApi'

describeLedgerContract('canton (fake JSON Ledger API v2)', async (now) => {
  const fake = await new FakeLedgerApi().start()
  const ledger = new CantonLedger({ baseUrl: fake.url, party: 'p2engine::default', now, retry: { delayMs: 1 } })
  return {
    ledger,
    verify: () => expect(fake.violations).toEqual([]),
    close: async () => { await ledger.close(); await fake.stop() },
  }
})

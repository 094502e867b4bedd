import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { openStore } from '../../storage/sqliteStore'
import { describeLedgerContract } from './ledgerContract'

describeLedgerContract('embedded (SQLite in memory)', async (now) => {
  const store = openStore(':memory:')
  return { ledger: new EmbeddedLedger(store, { party: 'p2engine::default', now }), close: async () => store.close() }
})

/**
 * The shared ledger contract against a REAL Canton sandbox. Opt-in: runs only when CANTON_BIN
 * points at a Canton 3 launcher (or dpm) and the Daml 3 model is built (`sh daml/build.sh`, or
 * P2ENGINE_DAR). One sandbox serves the whole file; each test gets a fresh party.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe } from 'vitest'
import { describeLedgerContract } from '../contract/ledgerContract'
import { CantonLedger } from './cantonLedger'
import { findDar } from './dar'
import { discoverCanton } from './sandbox/discover'
import { CantonSandbox } from './sandbox/manager'

const enabled = !!process.env.CANTON_BIN
let url = ''
let sandbox: CantonSandbox | undefined

describe.skipIf(!enabled)('real Canton sandbox (CANTON_BIN)', () => {
  beforeAll(async () => {
    const install = discoverCanton(process.env)
    const dar = findDar([fileURLToPath(new URL('../../..', import.meta.url))])
    if (!install || !dar) throw new Error('CANTON_BIN is set but Canton or the built DAR (sh daml/build.sh) is missing')
    sandbox = new CantonSandbox({ install, home: mkdtempSync(join(tmpdir(), 'p2e-real-canton-')), darPath: dar })
    url = (await sandbox.start()).jsonApiUrl
  }, 300_000) // a JVM sandbox takes a minute to start; only in this opt-in run
  afterAll(async () => { await sandbox?.stop() })

  describeLedgerContract('canton (real sandbox)', async (now) => {
    const ledger = new CantonLedger({ baseUrl: url, party: `p2e_test_${randomBytes(4).toString('hex')}`, now })
    return { ledger, close: () => ledger.close() }
  })
})

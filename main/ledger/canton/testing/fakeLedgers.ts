// Test helper (imported only by *.test.ts): fake JSON Ledger APIs started per test and checked
// afterwards (no request or answer outside the OpenAPI), plus a client pointed at one of them.
import { afterEach, expect } from 'vitest'
import { CantonLedger } from '../cantonLedger'
import { FakeLedgerApi, type FakeLedgerOptions } from './fakeLedgerApi'

/** Registers the after-each check and stop; returns `start(options)` for fresh fakes. */
export function useFakeLedgers(): (o?: FakeLedgerOptions) => Promise<FakeLedgerApi> {
  const servers: FakeLedgerApi[] = []
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      expect(s.violations).toEqual([])
      await s.stop()
    }
  })
  return async (o = {}) => {
    const fake = await new FakeLedgerApi(o).start()
    servers.push(fake)
    return fake
  }
}

/** A Canton client for `fake` with the default party and fast retries. */
export const clientOf = (fake: FakeLedgerApi, extra: Partial<ConstructorParameters<typeof CantonLedger>[0]> = {}): CantonLedger =>
  new CantonLedger({ baseUrl: fake.url, party: 'p2engine::default', retry: { delayMs: 1 }, ...extra })

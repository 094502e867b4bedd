import type { Settings } from '../../engine/config/types'
import type { LedgerClient } from '../../engine/ports/ledger'

type Method = Exclude<keyof LedgerClient, 'backend' | 'revision' | 'close'>
const METHODS = ['status', 'createWallet', 'getWallet', 'listWallets', 'walletVersions', 'transfer', 'history', 'metrics', 'events', 'audit'] as const satisfies readonly Method[]

/**
 * The Canton backend as a {@link LedgerClient} whose implementation (the JSON API client,
 * openapi-fetch, the Daml templates) is imported on its first call, so a CLI command on the
 * embedded backend never loads it. Like the Canton client it reports no revision.
 */
export function lazyCantonLedger(settings: Settings, env: NodeJS.ProcessEnv): LedgerClient {
  let inner: Promise<LedgerClient> | undefined
  const load = (): Promise<LedgerClient> => (inner ??= import('./fromSettings').then((m) => m.cantonLedgerFromSettings(settings, env)))
  const client: Partial<Record<Method, unknown>> = {}
  for (const m of METHODS) client[m] = async (...args: unknown[]) => ((await load())[m] as (...a: unknown[]) => unknown)(...args)
  return {
    ...(client as Pick<LedgerClient, Method>),
    backend: 'canton',
    close: async () => {
      if (inner) await (await inner).close()
    },
  }
}

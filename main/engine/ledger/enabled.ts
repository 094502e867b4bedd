import type { LoadedConfig } from '../config/types'

/**
 * The one note every surface shows when `LEDGER_ENABLED=false` (or `ledger.enabled: false` in
 * config.json) turned the ledger off, naming where the setting came from.
 */
export function ledgerDisabledNote(config: Pick<LoadedConfig, 'settings' | 'sources'>): string | null {
  if (config.settings.ledger.enabled) return null
  const source = config.sources['ledger.enabled']
  const where = source === 'file' ? 'ledger.enabled: false in config.json' : `LEDGER_ENABLED=false${source === 'dotenv' ? ' in .env' : ''}`
  return `Ledger disabled (${where}): agents get no wallet tools and rollouts record no ledger figures.`
}

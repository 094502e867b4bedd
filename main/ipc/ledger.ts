import { checkUserCommandId } from '../engine/ledger/commandIds'
import type { EventBus } from './eventBus'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type LedgerChannel = Extract<keyof HandlerTable, `ledger:${string}`>

/**
 * Handlers of the `ledger:*` channels; a committed transfer publishes `ledger:transferred`. Each
 * waits for the host's first-start wallets, so the first screen never shows a half-made ledger.
 */
export function ledgerHandlers(services: AppServices, bus: EventBus): Pick<HandlerTable, LedgerChannel> {
  const { ledger } = services
  const ready = async () => {
    await services.firstStart
  }
  return {
    'ledger:wallets': async () => (await ready(), ledger.listWallets()),
    'ledger:transfer': async (input) => {
      await ready()
      const reason = input.reason?.trim() || 'Manual transfer'
      const result = await ledger.transfer({ ...input, reason, commandId: checkUserCommandId(input.commandId) })
      if (!result.deduplicated) bus.publish('ledger:transferred', { from: input.from, to: input.to, amount: input.amount, reason, result })
      return result
    },
    'ledger:history': async (input) => (await ready(), ledger.history(input.agent, input.limit ?? 100)),
    'ledger:events': async (input) => (await ready(), ledger.events(input)),
    'ledger:audit': async () => (await ready(), ledger.audit()),
    'ledger:metrics': async () => (await ready(), ledger.metrics()),
    'ledger:status': async () => (await ready(), { ...(await ledger.status()), enabled: services.config.settings.ledger.enabled }),
  }
}

import type { EventBus } from './eventBus'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type LedgerChannel = Extract<keyof HandlerTable, `ledger:${string}`>

/** Handlers of the `ledger:*` channels; a committed transfer publishes `ledger:transferred`. */
export function ledgerHandlers(services: AppServices, bus: EventBus): Pick<HandlerTable, LedgerChannel> {
  const { ledger } = services
  return {
    'ledger:wallets': () => ledger.listWallets(),
    'ledger:transfer': async (input) => {
      const reason = input.reason?.trim() || 'Manual transfer'
      const result = await ledger.transfer({ ...input, reason })
      if (!result.deduplicated) bus.publish('ledger:transferred', { from: input.from, to: input.to, amount: input.amount, reason, result })
      return result
    },
    'ledger:history': (input) => ledger.history(input.agent, input.limit ?? 100),
    'ledger:events': (input) => ledger.events(input),
    'ledger:audit': () => ledger.audit(),
    'ledger:metrics': () => ledger.metrics(),
    'ledger:status': async () => ({ ...(await ledger.status()), enabled: services.config.settings.ledger.enabled }),
  }
}

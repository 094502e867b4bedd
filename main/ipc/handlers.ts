import { contract } from '../../preload/contract'
import { appHandlers } from './app'
import { EventBus } from './eventBus'
import { ledgerHandlers } from './ledger'
import { chatHandlers } from './chat'
import { branchesHandlers } from './branches'
import { overridesHandlers } from './overrides'
import { artifactsHandlers } from './artifacts'
import { settingsHandlers } from './settings'
import { rolloutsHandlers } from './rollouts'
import { cantonHandlers } from './canton'
import { logsHandlers } from './logs'
import { bundlesHandlers } from './bundles'
import { registerHandlers, type HandlerTable, type Transport } from './register'
import type { AppServices } from './services'

/**
 * Every domain's handlers in one table. Adding a domain (e.g. `branches`):
 * 1. `preload/contract/branches.ts`: `branchesInvokes` / `branchesEvents`, spread into `contract`;
 * 2. `main/ipc/branches.ts`: `branchesHandlers(services, bus)` returning `Pick<HandlerTable, …>`;
 * 3. spread it here (a missing one fails the type check and `registerHandlers` at startup);
 * 4. a sample per new channel in `contract.test.ts`;
 * 5. `renderer/src/features/branches/` with its own `api.ts` over `getClient()`.
 */
export function buildHandlers(services: AppServices, bus: EventBus): HandlerTable {
  return {
    ...appHandlers(services),
    ...ledgerHandlers(services, bus),
    ...chatHandlers(services),
    ...branchesHandlers(services),
    ...overridesHandlers(services),
    ...artifactsHandlers(services),
    ...settingsHandlers(services),
    ...rolloutsHandlers(services, bus),
    ...cantonHandlers(services, bus),
    ...logsHandlers(services),
    ...bundlesHandlers(services, bus),
  }
}

/** Builds the handlers and registers them on the transport; returns the registered channel names. */
export function serveContract(services: AppServices, bus: EventBus, transport: Transport) {
  return registerHandlers(contract, buildHandlers(services, bus), transport)
}

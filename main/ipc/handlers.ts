import { contract } from '../../preload/contract'
import { appHandlers } from './app'
import { EventBus } from './eventBus'
import { ledgerHandlers } from './ledger'
import { registerHandlers, type HandlerTable, type Transport } from './register'
import type { AppServices } from './services'

/** Every domain's handlers in one table. A new domain adds its file here. */
export function buildHandlers(services: AppServices, bus: EventBus): HandlerTable {
  return { ...appHandlers(services), ...ledgerHandlers(services, bus) }
}

/** Builds the handlers and registers them on the transport; returns the registered channel names. */
export function serveContract(services: AppServices, bus: EventBus, transport: Transport) {
  return registerHandlers(contract, buildHandlers(services, bus), transport)
}

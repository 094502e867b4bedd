import { contract, type EventName } from '../../preload/contract'
import type { EngineEvent, EventBusPort } from '../engine/ports/eventBus'
import type { EventBus } from './eventBus'

/**
 * Events about shared state (the database under one P2ENGINE_HOME, the ledger): these travel
 * between processes. Host-local ones stay home: `canton:*` (this host's sandbox), `app:*` (this
 * host's tool reloads) and `bundles:*` (one window's import progress).
 */
export const SHARED_EVENT_PREFIXES = ['rollouts:', 'ledger:', 'chat:'] as const

/** True for a contract event name that other processes should see. */
export const isSharedEvent = (name: string): name is EventName =>
  SHARED_EVENT_PREFIXES.some((p) => name.startsWith(p)) && Object.hasOwn(contract.events, name)

/** Publishes not yet acknowledged by the shared bus; past this (Redis down), new ones are dropped. */
export const MAX_IN_FLIGHT = 1000

export interface BridgeOptions {
  /** One line per problem (a dropped or failed publish); default stderr. */
  log?: (message: string) => void
}

/**
 * Connects a host's contract bus (what its windows and WebSocket clients see) to the shared
 * {@link EventBusPort}:
 * - a local shared event is published once on the port;
 * - an event from another process is published on the local bus, marked with its origin, so the
 *   local side never sends it back (no loop) and its own echo is skipped (no double).
 * Remote payloads are checked against the contract by `EventBus.publish` (a bad one is dropped).
 * Resolves once the port listens; the returned function stops both directions (the caller closes the port).
 */
export async function bridgeEventBus(bus: EventBus, port: EventBusPort, o: BridgeOptions = {}): Promise<() => void> {
  const log = o.log ?? ((m: string) => console.error(m))
  let inFlight = 0
  let dropping = false
  const offLocal = bus.subscribe((e) => {
    if (e.origin || !isSharedEvent(e.name)) return
    if (inFlight >= MAX_IN_FLIGHT) {
      if (!dropping) log(`live events: ${port.kind} bus is not answering; events are not shared until it does (${MAX_IN_FLIGHT} waiting)`)
      dropping = true
      return
    }
    inFlight++
    port.publish({ name: e.name, payload: e.payload }).then(
      () => { dropping = false },
      (err: unknown) => log(`live events: ${e.name} not shared: ${err instanceof Error ? err.message : String(err)}`),
    ).finally(() => { inFlight-- })
  })
  let offRemote: () => void
  try {
    offRemote = await port.subscribe((e: EngineEvent) => {
      if (!e.origin || e.origin === port.origin || !isSharedEvent(e.name)) return
      bus.publish(e.name, e.payload as never, e.origin)
    })
  } catch (err) {
    offLocal()
    throw err
  }
  return () => {
    offLocal()
    offRemote()
  }
}

import { contract, type EventName, type EventPayload } from '../../preload/contract'

/** One published event as transports forward it. */
export interface BusEvent {
  name: EventName
  payload: unknown
  /** Set only on events another process published (relayed by `bridgeEventBus`); local events have none. */
  origin?: string
}

/**
 * In-process pub/sub for contract events. Handlers publish; transports (Electron windows,
 * WebSocket clients) subscribe to everything and forward. Payloads are checked against the
 * contract so a drifted event fails where it is published, not in the renderer.
 */
export class EventBus {
  private readonly listeners = new Set<(event: BusEvent) => void>()

  constructor(private readonly log: (message: string) => void = (m) => console.error(m)) {}

  /**
   * Sends one event to every subscriber. A payload that breaks the contract is logged and dropped
   * (returns false) rather than thrown: the action that caused it has already been committed.
   * `origin` marks an event relayed from another process (so the bridge never sends it back).
   */
  publish<E extends EventName>(name: E, payload: EventPayload<E>, origin?: string): boolean {
    const checked = contract.events[name].payload.safeParse(payload)
    if (!checked.success) {
      this.log(`dropped ${name}: payload breaks the contract: ${checked.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`)
      return false
    }
    const parsed = checked.data
    for (const listener of [...this.listeners]) {
      try {
        listener(origin ? { name, payload: parsed, origin } : { name, payload: parsed })
      } catch (err) {
        // One broken subscriber (e.g. a closed socket) must not stop the others.
        this.log(`event listener for ${name} failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return true
  }

  /** Receives every event; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Receives one event kind, typed. */
  on<E extends EventName>(name: E, cb: (payload: EventPayload<E>) => void): () => void {
    return this.subscribe((e) => {
      if (e.name === name) cb(e.payload as EventPayload<E>)
    })
  }

  get size(): number {
    return this.listeners.size
  }
}

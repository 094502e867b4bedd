import { contract, type EventName, type EventPayload } from '../../preload/contract'

/** One published event as transports forward it. */
export interface BusEvent {
  name: EventName
  payload: unknown
}

/**
 * In-process pub/sub for contract events. Handlers publish; transports (Electron windows,
 * WebSocket clients) subscribe to everything and forward. Payloads are checked against the
 * contract so a drifted event fails where it is published, not in the renderer.
 */
export class EventBus {
  private readonly listeners = new Set<(event: BusEvent) => void>()

  publish<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const parsed = contract.events[name].payload.parse(payload)
    for (const listener of [...this.listeners]) {
      try {
        listener({ name, payload: parsed })
      } catch (err) {
        // One broken subscriber (e.g. a closed socket) must not stop the others.
        console.error(`event listener for ${name} failed:`, err)
      }
    }
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

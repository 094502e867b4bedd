import { randomUUID } from 'node:crypto'
import type { EngineEvent, EventBusPort } from '../engine/ports/eventBus'

/** The default {@link EventBusPort}: events stay in this process (no server needed). */
export class InProcessEventBus implements EventBusPort {
  readonly kind = 'in-process'
  readonly origin = randomUUID()
  private readonly listeners = new Set<(e: EngineEvent) => void>()

  async publish(event: EngineEvent): Promise<void> {
    deliver(this.listeners, { ...event, origin: this.origin })
  }

  async subscribe(listener: (e: EngineEvent) => void): Promise<() => void> {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.listeners.clear()
  }
}

/** Calls every listener; one that throws does not stop the others. */
export function deliver(listeners: Iterable<(e: EngineEvent) => void>, event: EngineEvent): void {
  for (const l of [...listeners]) {
    try {
      l(event)
    } catch {
      // a broken subscriber (e.g. a closed socket) must not stop the rest
    }
  }
}

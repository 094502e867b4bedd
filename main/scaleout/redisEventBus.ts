import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { EngineEvent, EventBusPort } from '../engine/ports/eventBus'
import { deliver } from './inProcessEventBus'

/**
 * {@link EventBusPort} on Redis pub/sub (channel `<prefix>:events`). Local subscribers get an
 * event at once; other processes get it through Redis; this process skips its own echo. Pub/sub
 * is fire-and-forget: a process that is disconnected misses events (the database stays the
 * source of truth; UIs reload state on reconnect).
 */
export class RedisEventBus implements EventBusPort {
  readonly kind = 'redis'
  readonly origin = randomUUID()
  private readonly channel: string
  private readonly pub: Redis
  private sub?: Redis
  private readonly listeners = new Set<(e: EngineEvent) => void>()

  constructor(private readonly url: string, prefix = 'p2engine') {
    this.channel = `${prefix}:events`
    this.pub = new Redis(url, { maxRetriesPerRequest: null })
    this.pub.on('error', () => undefined) // ioredis reconnects by itself
  }

  async publish(event: EngineEvent): Promise<void> {
    const e = { name: event.name, payload: event.payload, origin: this.origin }
    deliver(this.listeners, e)
    await this.pub.publish(this.channel, JSON.stringify(e))
  }

  async subscribe(listener: (e: EngineEvent) => void): Promise<() => void> {
    this.listeners.add(listener)
    if (!this.sub) {
      const sub = new Redis(this.url, { maxRetriesPerRequest: null })
      sub.on('error', () => undefined)
      sub.on('message', (_channel: string, text: string) => {
        let e: EngineEvent
        try {
          e = JSON.parse(text) as EngineEvent
        } catch {
          return // not ours
        }
        if (typeof e?.name !== 'string' || e.origin === this.origin) return
        deliver(this.listeners, e)
      })
      this.sub = sub
      await sub.subscribe(this.channel)
    }
    return () => void this.listeners.delete(listener)
  }

  async close(): Promise<void> {
    this.listeners.clear()
    this.sub?.disconnect()
    this.pub.disconnect()
  }
}

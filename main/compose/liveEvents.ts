import type { EventName, EventPayload } from '../../preload/contract'
import type { LoadedConfig } from '../engine/config/types'
import type { EventBusPort } from '../engine/ports/eventBus'
import { bridgeEventBus } from '../ipc/eventBridge'
import type { EventBus } from '../ipc/eventBus'
import { redisInputsOf, resolveRedis, type RedisTarget } from '../scaleout/redisConfig'
import { composeEventBus } from './scaleout'

/**
 * Live events across processes (issue 14): with Redis configured, a host's contract bus is
 * bridged to the Redis event bus (app, `p2engine ui`), and CLI commands publish what they change
 * (rollout progress, ledger transfers). Without Redis nothing is loaded and nothing changes.
 */

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * The Redis target for live events, or undefined (not configured). A malformed setting is one
 * logged line and no live events: a host or command must not fail because of an optional feature.
 */
export function liveEventsTarget(o: { config: LoadedConfig; env: NodeJS.ProcessEnv; flag?: string; flagLabel?: string; log: (m: string) => void }): RedisTarget | undefined {
  try {
    return resolveRedis(redisInputsOf(o.config, o.env, o.flag, o.flagLabel))
  } catch (err) {
    o.log(`live events stay in this process: ${messageOf(err)}`)
    return undefined
  }
}

export interface LiveEvents {
  /** The Redis the events travel over; undefined: this process only. */
  readonly target: RedisTarget | undefined
  /** Resolves once events of other processes arrive (at once without Redis; never rejects). */
  readonly ready: Promise<void>
  /** Stops the bridge and disconnects; safe to call twice, never waits for an unreachable Redis. */
  close(): Promise<void>
}

/** Bridges `bus` to the shared event bus of `target` (see `bridgeEventBus`); a no-op without target. */
export function startLiveEvents(bus: EventBus, o: { target: RedisTarget | undefined; log: (m: string) => void; prefix?: string; slowMs?: number }): LiveEvents {
  const { target } = o
  if (!target) return { target, ready: Promise.resolve(), close: async () => {} }
  let closed = false
  let stop: (() => void) | undefined
  // An unreachable Redis is retried in the background (ioredis); say so once, never block the host.
  const slow = setTimeout(() => o.log(`live events: Redis at ${target.safeUrl} is not answering yet; events stay in this process until it does`), o.slowMs ?? 5000)
  slow.unref()
  const port = composeEventBus(target, o.prefix)
  const ready = port
    .then((p) => bridgeEventBus(bus, p, { log: o.log }))
    .then((s) => {
      if (closed) s()
      else stop = s
    })
    .catch((err: unknown) => {
      if (!closed) o.log(`live events over ${target.safeUrl} are off: ${messageOf(err)}`)
    })
    .finally(() => clearTimeout(slow))
  return {
    target,
    ready,
    async close() {
      if (closed) return
      closed = true
      clearTimeout(slow)
      stop?.()
      await (await port.catch(() => undefined))?.close()
    },
  }
}

/** Publishes contract events from a process without a host bus (a CLI command). */
export interface LivePublisher {
  publish<E extends EventName>(name: E, payload: EventPayload<E>): void
  /** Waits (at most `flushMs`) for what was published, then disconnects. */
  close(flushMs?: number): Promise<void>
}

/** A publisher on the Redis event bus of `target`. Publishing never throws; a failure is one logged line. */
export async function openLivePublisher(target: RedisTarget, log: (m: string) => void, prefix?: string): Promise<LivePublisher> {
  const port: EventBusPort = await composeEventBus(target, prefix)
  const pending = new Set<Promise<void>>()
  let failed = false
  return {
    publish(name, payload) {
      const p = port.publish({ name, payload }).catch((err: unknown) => {
        if (!failed) log(`live events over ${target.safeUrl}: ${name} not published: ${messageOf(err)}`)
        failed = true
      })
      pending.add(p)
      void p.finally(() => pending.delete(p))
    },
    async close(flushMs = 1000) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(pending), new Promise((r) => { timer = setTimeout(r, flushMs) })])
      clearTimeout(timer)
      await port.close()
    },
  }
}

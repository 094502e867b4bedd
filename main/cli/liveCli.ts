import type { LoadedConfig } from '../engine/config/types'
import type { LedgerClient, TransferRequest, TransferResult } from '../engine/ports/ledger'
import type { Engine } from '../engine/runtime/engine'
import { redisInputsOf, resolveRedis } from '../scaleout/redisConfig'

/** What a CLI command shares on Redis: its ledger transfers and its engine's chat events. */
export interface CliLive {
  /** The ledger, publishing `ledger:transferred` for every committed (not deduplicated) transfer. */
  ledger(inner: LedgerClient): LedgerClient
  /** Forwards the engine's chat events (tokens, entries, tools, answers) to Redis. */
  engine(engine: Engine): void
  /** Waits briefly for what was published, then disconnects (no-op when nothing was). */
  close(): Promise<void>
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * Live events of a CLI process (issue 14): undefined without Redis (nothing loaded, nothing
 * changes). With Redis, nothing connects until there is something to share; the publisher,
 * contract bus and ioredis load then. A malformed Redis setting is one warning and no live events.
 */
export function cliLive(config: LoadedConfig, env: NodeJS.ProcessEnv, warn: (m: string) => void): CliLive | undefined {
  let target
  try {
    target = resolveRedis(redisInputsOf(config, env))
  } catch (err) {
    warn(`live events stay in this process: ${messageOf(err)}`)
    return undefined
  }
  if (!target) return undefined
  const t = target
  let setup: Promise<{ bus: import('../ipc/eventBus').EventBus; close: () => Promise<void> } | undefined> | undefined
  const connect = () => (setup ??= (async () => {
    const [{ openLivePublisher }, { EventBus }, { isSharedEvent }] = await Promise.all([import('../compose/liveEvents'), import('../ipc/eventBus'), import('../ipc/eventBridge')])
    const pub = await openLivePublisher(t, warn)
    const bus = new EventBus(warn)
    bus.subscribe((e) => {
      if (!e.origin && isSharedEvent(e.name)) pub.publish(e.name, e.payload as never)
    })
    return { bus, close: () => pub.close() }
  })().catch((err: unknown) => {
    warn(`live events over ${t.safeUrl} are off: ${messageOf(err)}`)
    return undefined
  }))
  return {
    ledger(inner) {
      return publishingLedger(inner, (req, result) => void connect().then((s) => s?.bus.publish('ledger:transferred', {
        from: req.from, to: req.to, amount: req.amount, reason: req.reason ?? '', result,
      })))
    },
    engine(engine) {
      void connect().then(async (s) => {
        if (s) (await import('../ipc/engineEvents')).forwardEngineEvents(engine, s.bus)
      })
    },
    async close() {
      await (await setup)?.close()
    },
  }
}

/** Calls `onTransfer` after each committed transfer (a deduplicated retry changed nothing). */
export function publishingLedger(inner: LedgerClient, onTransfer: (req: TransferRequest, result: TransferResult) => void): LedgerClient {
  const transfer = async (req: TransferRequest): Promise<TransferResult> => {
    const r = await inner.transfer(req)
    if (!r.deduplicated) onTransfer(req, r)
    return r
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'transfer') return transfer
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

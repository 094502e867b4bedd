/**
 * Where engine events (rollout progress, chat tokens, ledger changes) travel between processes.
 * The default adapter keeps them in the process; with Redis configured the composition root
 * picks the Redis pub/sub adapter (main/scaleout/redisEventBus.ts), so a second app instance or
 * `p2engine ui` sees events published elsewhere. The engine never asks which adapter is on.
 */
export interface EngineEvent {
  /** Contract event name, e.g. `rollouts:progressed`. */
  name: string
  /** Plain JSON data (already checked against the contract by the publisher). */
  payload: unknown
  /** Which process published it (set by the adapter). */
  origin?: string
}

export interface EventBusPort {
  /** `in-process` or `redis`. */
  readonly kind: string
  /** This process's origin id. */
  readonly origin: string
  /** Delivers to local subscribers at once and, with a shared adapter, to every other process. */
  publish(event: EngineEvent): Promise<void>
  /** Receives every event (local ones and those of other processes); resolves once listening. */
  subscribe(listener: (event: EngineEvent) => void): Promise<() => void>
  close(): Promise<void>
}

import type { EventName, EventPayload, InvokeChannel, InvokeInput, InvokeOutput } from '../../../../preload/contract'

/** A failed call as features see it: the server's code and message, nothing else. */
export class ClientError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
    this.name = 'ClientError'
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed'

/**
 * The one client every feature's `api.ts` uses. Two transports implement it: Electron IPC (via
 * the preload bridge) and the browser host's WebSocket. `invoke` resolves to the data or throws a
 * {@link ClientError}; `on` returns its unsubscribe.
 */
export interface Client {
  readonly transport: 'ipc' | 'ws'
  invoke<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>>
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void
  /** Connection changes (IPC is always open); returns its unsubscribe. */
  onConnection(cb: (state: ConnectionState) => void): () => void
}

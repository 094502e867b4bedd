import { AsyncLocalStorage } from 'node:async_hooks'
import type { RecordingStore } from '../engine/models/recording'
import type { ToolRecordingStore } from '../engine/tools/recorder'

/** A recording's key in the recordings table (model exchanges and tool outcomes alike). */
export interface RecordingKey {
  hash: string
  ordinal: number
}

const scope = new AsyncLocalStorage<RecordingKey[]>()

/**
 * Runs `fn` and notes the key of every model and tool recording made in its async call tree.
 * Variants run side by side on one engine (a scale-out worker), so the recordings table alone
 * can't tell whose a recording is; the scope can. Outside a scope nothing is noted.
 */
export function withRecordingScope<T>(fn: () => Promise<T>): { done: Promise<T>; keys: RecordingKey[] } {
  const keys: RecordingKey[] = []
  return { done: scope.run(keys, fn), keys }
}

const note = (hash: string, ordinal: number): void => {
  scope.getStore()?.push({ hash, ordinal })
}

/** `store`, noting each model exchange it stores in the current recording scope. */
export const scopedRecordings = (store: RecordingStore): RecordingStore => ({
  get: (hash, ordinal) => store.get(hash, ordinal),
  put: async (exchange) => {
    await store.put(exchange)
    note(exchange.hash, exchange.ordinal)
  },
})

/** `store`, noting each tool outcome it stores in the current recording scope. */
export const scopedToolRecordings = (store: ToolRecordingStore): ToolRecordingStore => ({
  get: (hash, ordinal) => store.get(hash, ordinal),
  put: (hash, ordinal, tool, args, outcome) => {
    store.put(hash, ordinal, tool, args, outcome)
    note(hash, ordinal)
  },
})

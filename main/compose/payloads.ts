import type { Settings } from '../engine/config/types'
import type { PayloadStore } from '../engine/ports/payloads'
import { inlinePayloads } from '../storage/payloads/inline'
import { s3ConnectionFrom } from '../storage/s3/connection'
import { S3PayloadStore } from '../storage/s3/payloadStore'
import type { SqliteStore } from '../storage/sqliteStore'

/**
 * Waits for the uploads of `store`'s payload store (if it has one): the CLI calls it before
 * closing the store, so its blocking last-chance upload at close has nothing left to do.
 */
export async function flushPayloads(store: SqliteStore | undefined): Promise<void> {
  const p = store && byStore.get(store)
  if (p instanceof S3PayloadStore) await p.flush()
}

/** One payload store per database connection: every engine composed on a store shares it. */
const byStore = new WeakMap<SqliteStore, PayloadStore>()

/**
 * The payload store of `ARTIFACT_DRIVER` (see `Settings.artifacts`): inline for `fs` (the
 * default), else the bucket through the client of the standard AWS environment in `env`.
 * `onError` hears about uploads that failed (their payloads wait in the database).
 */
export function payloadStoreFor(store: SqliteStore, settings: Settings, env: NodeJS.ProcessEnv = process.env, onError?: (message: string) => void): PayloadStore {
  const a = settings.artifacts
  if (!a || a.driver !== 's3' || !a.s3Bucket) return inlinePayloads
  let p = byStore.get(store)
  if (!p) {
    p = new S3PayloadStore(store, { bucket: a.s3Bucket, prefix: a.s3Prefix, thresholdBytes: a.s3ThresholdBytes }, s3ConnectionFrom(env), onError ? { onError } : {})
    byStore.set(store, p)
  }
  return p
}

import { createHash } from 'node:crypto'
import { AppError, StorageError, messageOf } from '../../engine/errors'
import type { PayloadStore } from '../../engine/ports/payloads'
import { LruMap } from '../../engine/runtime/lru'
import { formatPointer, looksLikePointer, parsePointer } from '../payloads/pointer'
import type { SqliteStore } from '../sqliteStore'
import type { S3Connection } from './connection'
import { createOutbox, type Outbox } from './outbox'
import { SyncS3 } from './syncS3'
import type { S3Access } from './transfer'
import { formatS3Url, type S3Location } from './url'

/** `ARTIFACT_DRIVER=s3` settings. */
export interface S3PayloadSettings {
  bucket: string
  /** Key prefix without leading or trailing slashes ("" for none). */
  prefix: string
  /** Payloads of more bytes than this go to the bucket; smaller ones stay inline. */
  thresholdBytes: number
}

/** The content-addressed key of a payload: `PREFIX/sha256/ab/abcdef…`. */
export const payloadKey = (prefix: string, sha256: string): string => `${prefix ? `${prefix}/` : ''}sha256/${sha256.slice(0, 2)}/${sha256}`

/** After a failed upload, the blocking retry at close waits this long before trying again. */
const RETRY_AFTER_MS = 30_000

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/**
 * `ARTIFACT_DRIVER=s3`: payloads above the threshold live in the bucket, content-addressed by
 * SHA-256; their rows keep a pointer (hash and size), SQLite keeps headers and the index.
 *
 * Durability: `put` runs inside the row's transaction and puts the text in the `payload_outbox`
 * table of the same database, so the payload commits with its row exactly as an inline one
 * would. Uploads happen after the commit (write-behind), and an outbox row is deleted only once
 * its object is in the bucket. Leftovers (a crash, an unreachable endpoint) are uploaded by the
 * next process that opens the store with this driver, and before the store closes.
 *
 * Reads: the LRU, then the outbox, then a blocking GET (see `SyncS3`), checked against the hash.
 */
export class S3PayloadStore implements PayloadStore {
  readonly driver = 's3'
  private readonly cache: LruMap<string, string>
  private readonly outbox: Outbox
  private readonly sync: SyncS3
  private draining?: Promise<void>
  private drainQueued = false
  private closed = false
  private closeHooked = false
  private access?: Promise<S3Access>
  /** When an upload last failed: closing right after does not wait for the same timeout again. */
  private failedAt = -Infinity

  constructor(
    private readonly store: SqliteStore,
    readonly settings: S3PayloadSettings,
    readonly connection: S3Connection,
    private readonly o: { onError?: (message: string) => void; cacheEntries?: number } = {},
  ) {
    this.cache = new LruMap(o.cacheEntries ?? 64)
    this.sync = new SyncS3(connection)
    this.outbox = createOutbox(store)
    if (!store.readOnly && this.outbox.count() > 0) {
      this.hookClose()
      this.scheduleDrain()
    }
  }

  /** The async client for uploads, loaded on first use (the SDK costs ~0.3 s to load). */
  private client(): Promise<S3Access> {
    this.access ??= import('./client').then((m) => m.s3ClientFor(this.connection))
    return this.access
  }

  locate(sha256: string): S3Location {
    return { bucket: this.settings.bucket, key: payloadKey(this.settings.prefix, sha256) }
  }

  put(text: string): string {
    const bytes = Buffer.byteLength(text)
    // A text that looks like a pointer is never kept inline (it would read back as one).
    if (bytes <= this.settings.thresholdBytes && !looksLikePointer(text)) return text
    const buf = Buffer.from(text)
    const sha256 = sha256Of(buf)
    this.outbox.add(sha256, text, buf.length)
    this.cache.set(sha256, text)
    this.hookClose()
    this.scheduleDrain()
    return formatPointer({ sha256, size: buf.length })
  }

  get(stored: string): string {
    const p = parsePointer(stored)
    if (!p) return stored
    const hit = this.cache.get(p.sha256) ?? this.outbox.body(p.sha256)
    if (hit !== undefined) {
      this.cache.set(p.sha256, hit)
      return hit
    }
    const at = this.locate(p.sha256)
    let bytes: Buffer
    try {
      bytes = this.sync.get(at)
    } catch (err) {
      if (err instanceof AppError && err.code === 'S3_NO_SUCH_KEY') {
        throw new StorageError('STORAGE_IO', formatS3Url(at), `artifact payload ${formatS3Url(at)} is missing from bucket "${at.bucket}" (key ${at.key}, ${p.size} bytes): the object was deleted, or S3_BUCKET / S3_PREFIX changed since it was stored`)
      }
      throw err
    }
    if (sha256Of(bytes) !== p.sha256) {
      throw new StorageError('STORAGE_CORRUPT', formatS3Url(at), `artifact payload ${formatS3Url(at)} does not match its SHA-256 (${bytes.length} bytes, expected ${p.size}): the object was changed in the bucket`)
    }
    const text = bytes.toString('utf8')
    this.cache.set(p.sha256, text)
    return text
  }

  /** Payloads written here that are not yet in the bucket. */
  pending(): number {
    return this.outbox.count()
  }

  /** Uploads everything in the outbox now (async); resolves when done or after the first failure. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining
    this.draining = this.drain().finally(() => (this.draining = undefined))
    await this.draining
  }

  private scheduleDrain(): void {
    if (this.drainQueued || this.closed) return
    this.drainQueued = true
    // After the current event-loop turn: the row transaction (or group commit) has committed.
    setImmediate(() => {
      this.drainQueued = false
      if (!this.draining) void this.flush()
    })
  }

  private async drain(): Promise<void> {
    try {
      if (this.outbox.count() === 0) return
      const [s3, { putObject }] = await Promise.all([this.client(), import('./transfer')])
      for (let batch = this.outbox.next(8); batch.length && !this.closed; batch = this.outbox.next(8)) {
        for (const row of batch) {
          await putObject(s3, this.locate(row.sha256), Buffer.from(row.body))
          if (this.closed) return
          this.outbox.done(row.sha256)
        }
      }
    } catch (err) {
      this.failedAt = Date.now()
      if (!this.closed) this.o.onError?.(`${messageOf(err)} (payloads wait in the database and are uploaded later)`)
    }
  }

  private hookClose(): void {
    if (this.closeHooked) return
    this.closeHooked = true
    this.store.beforeClose(() => this.closeNow())
  }

  /** Before the database closes: the uploads still waiting, blocking (failures stay in the outbox). */
  closeNow(): void {
    if (this.closed) return
    this.closed = true
    try {
      if (Date.now() - this.failedAt < RETRY_AFTER_MS) return
      for (let batch = this.outbox.next(8); batch.length; batch = this.outbox.next(8)) {
        for (const row of batch) {
          this.sync.put(this.locate(row.sha256), Buffer.from(row.body))
          this.outbox.done(row.sha256)
        }
      }
    } catch (err) {
      this.o.onError?.(`${messageOf(err)} (${this.outbox.count()} payloads wait in the database and are uploaded by the next run)`)
    } finally {
      this.sync.stop()
      void this.access?.then((a) => a.client.destroy())
    }
  }
}

import type { SqliteStore } from '../sqliteStore'

/**
 * The `payload_outbox` table: payloads of `ARTIFACT_DRIVER=s3` written to the database in their
 * row's transaction and not yet confirmed in the bucket. It belongs to the driver and is created
 * when the driver first opens a writable database (databases that never used S3 do not have it).
 */
export interface Outbox {
  add(sha256: string, body: string, size: number): void
  body(sha256: string): string | undefined
  next(limit: number): { sha256: string; body: string }[]
  done(sha256: string): void
  count(): number
}

const TABLE = `CREATE TABLE IF NOT EXISTS payload_outbox (
  sha256  TEXT NOT NULL UNIQUE,
  size    INTEGER NOT NULL,
  ts      INTEGER NOT NULL,
  body    TEXT NOT NULL
)`

/** True when the database has the table (doctor reads it on a read-only connection). */
export const hasOutbox = (store: SqliteStore): boolean =>
  store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payload_outbox'").get() !== undefined

/** The outbox of `store`; on a read-only database that lacks the table, an empty one. */
export function createOutbox(store: SqliteStore): Outbox {
  if (!store.readOnly) store.db.exec(TABLE)
  if (!hasOutbox(store)) return { add: () => { throw new Error('payload_outbox: the database is read-only') }, body: () => undefined, next: () => [], done: () => {}, count: () => 0 }
  const db = store.db
  const insert = db.prepare('INSERT OR IGNORE INTO payload_outbox (sha256, size, ts, body) VALUES (?, ?, ?, ?)')
  const select = db.prepare('SELECT body FROM payload_outbox WHERE sha256 = ?').pluck()
  const oldest = db.prepare('SELECT sha256, body FROM payload_outbox ORDER BY rowid LIMIT ?')
  const remove = db.prepare('DELETE FROM payload_outbox WHERE sha256 = ?')
  const count = db.prepare('SELECT COUNT(*) FROM payload_outbox').pluck()
  return {
    add: (sha256, body, size) => void insert.run(sha256, size, Date.now(), body),
    body: (sha256) => select.get(sha256) as string | undefined,
    next: (limit) => oldest.all(limit) as { sha256: string; body: string }[],
    done: (sha256) => void store.write(() => remove.run(sha256)),
    count: () => count.get() as number,
  }
}

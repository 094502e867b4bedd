import type { SqliteDatabase } from '../main/storage/sqliteStore'

const isBusy = (err: unknown): boolean => {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return true
  }
  return false
}

/**
 * Counts lock waits on one connection: `busy_timeout = 0`, so a `BEGIN` that meets another
 * writer's lock fails at once with SQLITE_BUSY; the counter goes up and the same `BEGIN` is
 * retried with the store's usual 10 s timeout (SQLite's busy handler sleeping in steps, as in the
 * product). Only transactions whose body had not started are retried. Install it before the
 * stores build their transaction wrappers. Bench-only.
 */
export function countBusyWaits(db: SqliteDatabase): { waits: number } {
  const counter = { waits: 0 }
  db.pragma('busy_timeout = 0')
  const retrying = <T>(attempt: () => T, started: () => boolean): T => {
    try {
      return attempt()
    } catch (err) {
      if (!isBusy(err) || started()) throw err
      counter.waits++
      db.pragma('busy_timeout = 10000')
      try {
        return attempt()
      } finally {
        db.pragma('busy_timeout = 0')
      }
    }
  }
  const transaction = db.transaction.bind(db)
  db.transaction = ((fn: (...a: unknown[]) => unknown) => {
    let entered = false
    const t = transaction((...args: unknown[]) => {
      entered = true
      return fn(...args)
    }) as unknown as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown)
    const wrap = (variant: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
      if (db.inTransaction) return variant(...args) // a savepoint: no lock to wait for
      entered = false
      return retrying(() => variant(...args), () => entered)
    }
    const wrapped = wrap(t) as unknown as Record<string, unknown>
    for (const v of ['deferred', 'immediate', 'exclusive'] as const) wrapped[v] = wrap(t[v]!)
    return wrapped
  }) as unknown as typeof db.transaction
  const exec = db.exec.bind(db)
  db.exec = ((sql: string) => (sql.startsWith('BEGIN') ? retrying(() => exec(sql), () => false) : exec(sql))) as typeof db.exec
  return counter
}

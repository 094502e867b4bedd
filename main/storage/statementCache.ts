import type Database from 'better-sqlite3'

/** Statements kept per connection (least recently used dropped first). */
const MAX = 64
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/**
 * A prepared statement for `sql` on `db`, prepared once and reused: for SQL built at run time
 * (filters, `IN (?, ?…)` lists) on hot paths, where `db.prepare` per call cost more CPU than the
 * query (scale-out workers bundle and measure every variant). Callers must not change the
 * statement's mode (`pluck`, `raw`, `expand`): it is shared.
 */
export function cachedStatement(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  let st = cache.get(sql)
  if (st) {
    cache.delete(sql) // re-insert: most recently used last
  } else {
    st = db.prepare(sql)
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!)
  }
  cache.set(sql, st)
  return st
}

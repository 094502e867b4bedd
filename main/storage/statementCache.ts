import type Database from 'better-sqlite3'

/** Statements kept per connection (least recently used dropped first). */
const MAX = 64
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/**
 * A prepared statement for `sql` on `db`, prepared once and reused: for SQL built at run time
 * (filters, `IN (?, ?…)` lists) on hot paths, where `db.prepare` per call cost more CPU than the
 * query (scale-out workers bundle and measure every variant). Callers must not change the
 * statement's mode (`pluck`, `raw`, `expand`): it is shared; {@link cachedPluck} is the plucking one.
 */
export const cachedStatement = (db: Database.Database, sql: string): Database.Statement => cached(db, sql, sql, (st) => st)

/** {@link cachedStatement} in `pluck` mode (its first column), cached apart from the row-mode statement of the same SQL. */
export const cachedPluck = (db: Database.Database, sql: string): Database.Statement => cached(db, `pluck\0${sql}`, sql, (st) => st.pluck())

function cached(db: Database.Database, key: string, sql: string, mode: (st: Database.Statement) => Database.Statement): Database.Statement {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  let st = cache.get(key)
  if (st) {
    cache.delete(key) // re-insert: most recently used last
  } else {
    st = mode(db.prepare(sql))
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!)
  }
  cache.set(key, st)
  return st
}

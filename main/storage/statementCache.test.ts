import { describe, expect, it } from 'vitest'
import { openStore } from './sqliteStore'
import { cachedPluck, cachedStatement } from './statementCache'

describe('the statement cache', () => {
  it('prepares a statement once per connection, and keeps the plucking one of the same SQL apart', () => {
    const store = openStore(':memory:')
    const sql = "SELECT 7 AS n, 'x' AS s"
    expect(cachedStatement(store.db, sql)).toBe(cachedStatement(store.db, sql))
    expect(cachedPluck(store.db, sql)).toBe(cachedPluck(store.db, sql))
    expect(cachedPluck(store.db, sql).get()).toBe(7)
    expect(cachedStatement(store.db, sql).get()).toEqual({ n: 7, s: 'x' })
    store.close()
  })
})

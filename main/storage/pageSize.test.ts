import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { NEW_DATABASE_PAGE_SIZE } from './openDatabase'
import { openStore } from './sqliteStore'

let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the page size of the database file', () => {
  it('gives a new database small pages, in WAL mode, with the whole schema', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-pages-'))
    const store = openStore(join(dir, 'p2engine.db'))
    expect([store.db.pragma('page_size', { simple: true }), store.db.pragma('journal_mode', { simple: true })]).toEqual([NEW_DATABASE_PAGE_SIZE, 'wal'])
    expect(store.db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'stack_entries'").pluck().get()).toBe(1)
    store.close()
    expect(NEW_DATABASE_PAGE_SIZE).toBe(2048)
  })

  it('keeps the page size of an existing database and opens it as before', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-pages-'))
    const file = join(dir, 'old.db')
    const old = new Database(file)
    old.pragma('page_size = 4096')
    old.pragma('journal_mode = WAL')
    old.exec('CREATE TABLE kept (a TEXT); INSERT INTO kept VALUES (\'x\')')
    old.close()
    const store = openStore(file)
    expect(store.db.pragma('page_size', { simple: true })).toBe(4096)
    expect(store.db.prepare('SELECT a FROM kept').pluck().all()).toEqual(['x'])
    store.close()
  })
})

import { closeSync, mkdtempSync, openSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError, StorageError } from '../engine/errors'
import { toErrorPayload } from '../ipc/errors'
import { exitCodeOf, EXIT } from '../cli/errors'
import { storageErrorOf } from './faults'
import { openStore, type SqliteStore } from './sqliteStore'

let dir: string
let stores: SqliteStore[] = []
afterEach(() => {
  for (const s of stores) s.close()
  stores = []
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const fresh = (name = 'p2engine.db'): { file: string; store: SqliteStore } => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-faults-'))
  const file = join(dir, name)
  const store = openStore(file)
  stores.push(store)
  return { file, store }
}

const open = (file: string, options: Parameters<typeof openStore>[1] = {}): SqliteStore => {
  const s = openStore(file, options)
  stores.push(s)
  return s
}

/** The error `fn` throws (fails the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

const sqliteError = (code: string, message: string): Error => Object.assign(new Error(message), { name: 'SqliteError', code })

describe('storage faults become named StorageErrors', () => {
  it('maps each SQLite code family (extended codes too) and leaves other errors alone', () => {
    const cases: [string, string][] = [
      ['SQLITE_CORRUPT', 'STORAGE_CORRUPT'], ['SQLITE_CORRUPT_INDEX', 'STORAGE_CORRUPT'], ['SQLITE_NOTADB', 'STORAGE_CORRUPT'],
      ['SQLITE_READONLY', 'STORAGE_READONLY'], ['SQLITE_READONLY_DIRECTORY', 'STORAGE_READONLY'],
      ['SQLITE_FULL', 'STORAGE_FULL'], ['SQLITE_IOERR', 'STORAGE_IO'], ['SQLITE_IOERR_WRITE', 'STORAGE_IO'], ['SQLITE_CANTOPEN', 'STORAGE_OPEN'],
    ]
    for (const [code, named] of cases) {
      const e = storageErrorOf(sqliteError(code, 'x'), '/h/p2engine.db')
      expect(e).toBeInstanceOf(StorageError)
      expect([e!.code, e!.file, e!.message.includes('/h/p2engine.db')]).toEqual([named, '/h/p2engine.db', true])
    }
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_BUSY', 'SQLITE_FULLX']) expect(storageErrorOf(sqliteError(code, 'x'), 'f')).toBeUndefined()
    expect(storageErrorOf(new Error('plain'), 'f')).toBeUndefined()
  })

  it('a full disk (max_page_count) fails the write with STORAGE_FULL naming the file; nothing is half-written', () => {
    const { file, store } = fresh()
    store.db.exec('CREATE TABLE blobs (b BLOB)')
    const pages = store.db.pragma('page_count', { simple: true }) as number
    store.db.pragma(`max_page_count = ${pages + 2}`)
    const insert = store.db.prepare('INSERT INTO blobs VALUES (?)')
    const err = thrown(() => store.write(() => { insert.run(Buffer.alloc(1000)); insert.run(Buffer.alloc(64_000)) }))
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).code).toBe('STORAGE_FULL')
    expect((err as StorageError).message).toContain(file)
    expect((err as StorageError).message).toMatch(/Free some disk space/)
    expect(store.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 0 })
    // Outside a transaction the statement itself reports it.
    expect((thrown(() => insert.run(Buffer.alloc(64_000))) as StorageError).code).toBe('STORAGE_FULL')
  })

  it('inside a transaction the raw SQLite error propagates (no per-item AppError swallowing); the outermost write maps it', () => {
    const { store } = fresh()
    store.db.exec('CREATE TABLE blobs (b BLOB)')
    store.db.pragma(`max_page_count = ${(store.db.pragma('page_count', { simple: true }) as number) + 1}`)
    const insert = store.db.prepare('INSERT INTO blobs VALUES (?)')
    let inner: unknown
    const err = thrown(() => store.write(() => {
      try {
        insert.run(Buffer.alloc(64_000))
      } catch (e) {
        inner = e
        throw e
      }
    }))
    expect(inner).not.toBeInstanceOf(AppError)
    expect((err as StorageError).code).toBe('STORAGE_FULL')
  })

  it('a damaged page (the transfer table overwritten) fails reads with STORAGE_CORRUPT naming the file and the way out', () => {
    const { file, store } = fresh()
    const { rootpage } = store.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'ledger_wallets'").get() as { rootpage: number }
    const pageSize = store.db.pragma('page_size', { simple: true }) as number
    store.db.pragma('wal_checkpoint(TRUNCATE)')
    store.close()
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (rootpage - 1) * pageSize)
    closeSync(fd)
    const s = open(file)
    const err = thrown(() => s.db.prepare('SELECT * FROM ledger_wallets').all()) as StorageError
    expect(err).toBeInstanceOf(StorageError)
    expect(err.code).toBe('STORAGE_CORRUPT')
    expect(err.message).toContain(file)
    expect(err.message).toMatch(/p2engine doctor.*p2engine restore FILE/)
  })

  it('a file that is not a database fails at open with STORAGE_CORRUPT', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-faults-'))
    const file = join(dir, 'p2engine.db')
    writeFileSync(file, 'this is not a database, just text that is long enough '.repeat(200))
    const err = thrown(() => open(file)) as StorageError
    expect([err.code, err.file]).toEqual(['STORAGE_CORRUPT', file])
  })

  it('read-only: reads work, writes fail with STORAGE_READONLY naming the file', () => {
    const { file, store } = fresh()
    store.db.exec("CREATE TABLE t (a); INSERT INTO t VALUES ('kept')")
    store.close()
    const ro = open(file, { readOnly: true })
    expect(ro.readOnly).toBe(true)
    expect(ro.db.prepare('SELECT a FROM t').all()).toEqual([{ a: 'kept' }])
    const err = thrown(() => ro.write(() => ro.db.prepare("INSERT INTO t VALUES ('x')").run())) as StorageError
    expect([err.code, err.file]).toEqual(['STORAGE_READONLY', file])
    expect(err.message).toMatch(/Commands that only read still work/)
  })

  it('CLI exit code 8 and the IPC payload carry the storage code (also for an unmapped raw SQLite error)', () => {
    const e = new StorageError('STORAGE_FULL', '/h/p2engine.db', 'the disk is full')
    expect(exitCodeOf(e)).toBe(EXIT.storage)
    expect(EXIT.storage).toBe(8)
    expect(toErrorPayload(e, 'ledger:transfer')).toEqual({ code: 'STORAGE_FULL', message: 'the disk is full' })
    const raw = sqliteError('SQLITE_IOERR_READ', 'disk I/O error')
    expect(exitCodeOf(raw)).toBe(8)
    expect(toErrorPayload(raw, 'x', () => { throw new Error('not a bug: must not be logged as one') }).code).toBe('STORAGE_IO')
  })
})

describe('zero-byte database', () => {
  it('refuses an existing empty file with STORAGE_EMPTY; a file this process created is fine', () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-faults-'))
    const file = join(dir, 'p2engine.db')
    writeFileSync(file, '')
    utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000)) // not one being created right now
    const err = thrown(() => open(file)) as StorageError
    expect([err.code, err.file]).toEqual(['STORAGE_EMPTY', file])
    expect(err.message).toMatch(/empty \(0 bytes\).*p2engine restore FILE.*delete the empty file/)
    expect(statSync(file).size).toBe(0) // left as it was
    rmSync(file)
    const created = open(file)
    expect(created.schemaVersion).toBeGreaterThan(0)
    created.close()
    expect(open(file).schemaVersion).toBe(created.schemaVersion)
  })
})

import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError, UserInputError } from '../../engine/errors'
import { MIGRATIONS } from '../migrations'
import { CURRENT_SCHEMA_VERSION, openStore, type SqliteStore } from '../sqliteStore'
import { EmbeddedLedger } from '../ledger/embeddedLedger'
import { backupDatabase, restoreDatabase } from './backup'

let dir: string
const open: SqliteStore[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
  rmSync(dir, { recursive: true, force: true })
})

async function ledgerDb(name: string, balances: Record<string, string>, migrations = MIGRATIONS): Promise<SqliteStore> {
  const store = openStore(join(dir, name), { migrations })
  open.push(store)
  if (migrations.length === MIGRATIONS.length) {
    const ledger = new EmbeddedLedger(store, { party: 'p::1' })
    for (const [agent, b] of Object.entries(balances)) await ledger.createWallet({ agent, initialBalance: b })
  }
  return store
}

const balances = (file: string): Record<string, string> => {
  const db = new Database(file, { readonly: true })
  try {
    return Object.fromEntries((db.prepare('SELECT agent, balance FROM ledger_wallets WHERE archived_tx IS NULL ORDER BY agent').all() as { agent: string; balance: string }[]).map((r) => [r.agent, r.balance]))
  } finally {
    db.close()
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('backup', () => {
  it('copies committed data while another connection holds an open write transaction; one 0600 file; refuses to overwrite without force', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-backup-'))
    const store = await ledgerDb('p2engine.db', { a: '10.0', b: '5.0' })
    const writer = new Database(store.location)
    writer.exec("BEGIN IMMEDIATE; UPDATE ledger_wallets SET balance = '999.0'")
    const dest = join(dir, 'backup.db')
    const r = await backupDatabase(store.db, dest)
    writer.exec('ROLLBACK')
    writer.close()
    expect(r).toEqual({ file: dest, bytes: statSync(dest).size, summary: { schemaVersion: CURRENT_SCHEMA_VERSION, conversations: 0, wallets: 2, rollouts: 0, ledgerTransactions: 2 } })
    expect(balances(dest)).toEqual({ a: '10.0', b: '5.0' })
    expect(statSync(dest).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).sort()).toEqual(['backup.db', 'p2engine.db', 'p2engine.db-shm', 'p2engine.db-wal']) // no temp file left, no -wal of the backup
    const err = await rejection(backupDatabase(store.db, dest))
    expect(err).toBeInstanceOf(UserInputError)
    expect((err as UserInputError).message).toBe(`${dest} already exists; choose another name or pass --force to overwrite it`)
    expect((await backupDatabase(store.db, dest, { force: true })).file).toBe(dest)
  })
})

describe('restore', () => {
  it('swaps the backup in, keeps the current database as .before-restore-<time>', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-backup-'))
    const live = await ledgerDb('p2engine.db', { a: '1.0' })
    const backup = await ledgerDb('b.db', { a: '7.0', z: '3.0' })
    backup.close()
    live.close()
    const r = await restoreDatabase(join(dir, 'b.db'), join(dir, 'p2engine.db'), new Date('2026-01-02T03:04:05.006Z'))
    expect(r).toEqual({ keptAs: join(dir, 'p2engine.db.before-restore-2026-01-02T03-04-05-006Z'), fromVersion: CURRENT_SCHEMA_VERSION, summary: expect.objectContaining({ wallets: 2 }) })
    expect(balances(join(dir, 'p2engine.db'))).toEqual({ a: '7.0', z: '3.0' })
    expect(balances(r.keptAs!)).toEqual({ a: '1.0' })
    expect(statSync(join(dir, 'p2engine.db')).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([])
  })

  it('upgrades an older backup with this build\'s migrations, into a state folder created 0700', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-backup-'))
    ;(await ledgerDb('old.db', {}, MIGRATIONS.slice(0, 3))).close()
    const target = join(dir, 'fresh-home', 'p2engine.db') // a state folder that does not exist yet
    const r = await restoreDatabase(join(dir, 'old.db'), target)
    expect([r.fromVersion, r.summary.schemaVersion, r.keptAs]).toEqual([3, CURRENT_SCHEMA_VERSION, null])
    expect([statSync(join(dir, 'fresh-home')).mode & 0o777, statSync(target).mode & 0o777]).toEqual([0o700, 0o600])
  })

  it('refuses while another connection has the database open, and changes nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-backup-'))
    await ledgerDb('p2engine.db', { a: '1.0' }) // stays open, like the app
    ;(await ledgerDb('b.db', { a: '7.0' })).close()
    const err = await rejection(restoreDatabase(join(dir, 'b.db'), join(dir, 'p2engine.db')))
    expect(err).toBeInstanceOf(StorageError)
    expect((err as StorageError).code).toBe('STORAGE_IN_USE')
    expect(balances(join(dir, 'p2engine.db'))).toEqual({ a: '1.0' })
    expect(readdirSync(dir).filter((f) => f.includes('restore'))).toEqual([])
  })

  it('refuses what is not a P2Engine backup: text, empty, a foreign SQLite file, a newer schema, a damaged file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'p2e-backup-'))
    const target = join(dir, 'p2engine.db')
    const text = join(dir, 'notes.txt')
    writeFileSync(text, 'hello '.repeat(1000))
    const empty = join(dir, 'empty.db')
    writeFileSync(empty, '')
    const foreign = join(dir, 'foreign.db')
    new Database(foreign).exec('CREATE TABLE t (a)')
    const newer = join(dir, 'newer.db')
    ;(await ledgerDb('newer.db', {})).db.pragma(`user_version = ${CURRENT_SCHEMA_VERSION + 1}`)
    open.pop()!.close()
    const damaged = join(dir, 'damaged.db')
    const d = await ledgerDb('damaged.db', { a: '1.0' })
    const { rootpage } = d.db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'ledger_wallets_versions'").get() as { rootpage: number }
    const pageSize = d.db.pragma('page_size', { simple: true }) as number
    open.pop()!.close()
    const fd = openSync(damaged, 'r+')
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize)
    closeSync(fd)
    const cases: [string, string, RegExp][] = [
      [text, 'RESTORE_SOURCE', /is not a P2Engine database backup \(SQLITE_NOTADB/],
      [empty, 'RESTORE_SOURCE', /is empty \(0 bytes\)/],
      [foreign, 'RESTORE_SOURCE', /is not a P2Engine database backup \(no P2Engine tables, schema version 0\)/],
      [newer, 'RESTORE_TOO_NEW', /newer than this P2Engine build understands/],
      [damaged, 'RESTORE_DAMAGED', /is damaged \(integrity_check: .*nothing was changed; use another backup/],
      [join(dir, 'missing.db'), 'RESTORE_SOURCE', /cannot read the backup .*ENOENT/],
    ]
    for (const [file, code, message] of cases) {
      const err = await rejection(restoreDatabase(file, target))
      expect([file, (err as UserInputError).code]).toEqual([file, code])
      expect((err as Error).message).toMatch(message)
    }
    expect(existsSync(target)).toBe(false)
  })
})

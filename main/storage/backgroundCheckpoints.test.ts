import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore } from './sqliteStore'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function fresh(): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-ckpt-'))
  dirs.push(dir)
  return join(dir, 'p2engine.db')
}

/** This process's open file descriptors on `file` or its -wal/-shm (Linux /proc). */
function openDescriptorsOf(file: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      return target.startsWith(file) ? [target] : []
    } catch {
      return []
    }
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('WAL checkpoints on a thread', () => {
  it('copies committed pages into the database file off the writing thread, and the writer still commits while it runs', async () => {
    const file = fresh()
    const store = openStore(file)
    store.db.exec('CREATE TABLE blobs (b TEXT)')
    const put = store.db.prepare('INSERT INTO blobs VALUES (?)')
    for (let i = 0; i < 600; i++) store.write(() => put.run('x'.repeat(2000))) // ~1.5 MB, below every checkpoint threshold
    const before = statSync(file).size
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000)
    expect(store.checkpoints?.running).toBe(false)
    store.checkpoints!.start()
    expect(store.checkpoints?.running).toBe(true)
    let after = before
    for (let i = 0; i < 100 && after < before + 1_000_000; i++) {
      store.write(() => put.run('y')) // commits go on meanwhile
      await sleep(20)
      after = statSync(file).size
    }
    expect(after).toBeGreaterThan(before + 1_000_000)
    expect(store.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get()).toBeGreaterThan(600)
    store.close()
    expect(store.checkpoints?.running).toBe(false)
    // the thread's connection is closed when close() returns: no descriptor of this process
    // points at the database any more
    expect(openDescriptorsOf(file)).toEqual([])
    // everything is there for the next process
    const again = openStore(file, { backgroundCheckpoints: false })
    expect(again.db.prepare("SELECT COUNT(*) FROM blobs WHERE b <> 'y'").pluck().get()).toBe(600)
    again.close()
  })

  it('starts by itself once the WAL has grown, and not for a database that stays small', async () => {
    const big = openStore(fresh())
    const small = openStore(fresh())
    big.db.exec('CREATE TABLE blobs (b TEXT)')
    const put = big.db.prepare('INSERT INTO blobs VALUES (?)')
    big.write(() => { for (let i = 0; i < 1500; i++) put.run('x'.repeat(2000)) }) // ~3 MB of WAL
    for (let i = 0; i < 100 && !big.checkpoints?.running; i++) await sleep(20)
    expect(big.checkpoints?.running).toBe(true)
    expect(small.checkpoints?.running).toBe(false)
    big.close()
    small.close()
  })

  it('starts from the write path too, when writes never let the event loop reach its timers', () => {
    const store = openStore(fresh())
    store.db.exec('CREATE TABLE blobs (b TEXT)')
    const put = store.db.prepare('INSERT INTO blobs VALUES (?)')
    // Many small transactions in one synchronous run (as a burst of instant turns): no timer fires.
    for (let i = 0; i < 6000 && !store.checkpoints?.running; i++) store.write(() => put.run('x'.repeat(2000)))
    expect(store.checkpoints?.running).toBe(true)
    store.close()
  })

  it('is off for read-only stores, in-memory stores and when asked', () => {
    const file = fresh()
    openStore(file).close()
    for (const store of [openStore(file, { readOnly: true }), openStore(':memory:'), openStore(file, { backgroundCheckpoints: false })]) {
      expect(store.checkpoints).toBeUndefined()
      store.close()
    }
  })
})

import Database from 'better-sqlite3'
import { statSync } from 'node:fs'
import { join } from 'node:path'

/** A ~480-byte JSON state, the size of one of a turn's four states. */
const BODY = JSON.stringify({ v: 1, state: { kind: 'assistant_message', content: 'x'.repeat(400), toolCalls: [], meta: null } })

/** A bench database with the product store's pragmas (WAL, synchronous=NORMAL, 32 MB cache) and one table. */
function openBenchDb(file: string, table: string, pageSize?: number): Database.Database {
  const db = new Database(file)
  if (pageSize !== undefined) db.pragma(`page_size = ${pageSize}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -32768')
  db.exec(table)
  return db
}

/**
 * The physical floor of a durable turn: 4 rows appended in one WAL commit, with the pragmas of
 * the product's store (WAL, synchronous=NORMAL, autocheckpoint every 10,000 pages).
 * @returns µs per turn and WAL bytes per turn (checkpoints off while counting).
 */
export function benchFloor(file: string, n = 5000): { us: number; walBytes: number } {
  const db = openBenchDb(file, 'CREATE TABLE entries (conv TEXT NOT NULL, idx INTEGER NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (conv, idx)) WITHOUT ROWID')
  try {
    const insert = db.prepare('INSERT INTO entries (conv, idx, ts, body) VALUES (?, ?, ?, ?)')
    const turn = db.transaction((conv: string) => {
      for (let i = 0; i < 4; i++) insert.run(conv, i, Date.now(), BODY)
    })
    const conv = (i: number): string => `chat_${(1e12 + i).toString(16)}`
    for (let i = 0; i < 500; i++) turn.immediate(conv(i))
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.pragma('wal_autocheckpoint = 0')
    const t0 = process.hrtime.bigint()
    for (let i = 500; i < 500 + n; i++) turn.immediate(conv(i))
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / n
    const walBytes = statSync(`${file}-wal`).size / n
    return { us, walBytes }
  } finally {
    db.close()
  }
}

/**
 * What SQLite alone needs to write the rows a target allows, in the cheapest shape there is: one
 * rowid table, keys appended, no index, the same ~480-byte rows, `rows` per turn and
 * `turnsPerCommit` turns per WAL commit. Run at 2 and 4 KiB pages; the lower time is returned. A
 * target minus this is what it leaves for everything else a turn does.
 */
export function benchRowBudgetFloor(dir: string, rows: number, turnsPerCommit: number, n = 3000): { us: number; pageSize: number } {
  let best = { us: Number.POSITIVE_INFINITY, pageSize: 0 }
  for (const pageSize of [2048, 4096]) {
    const file = join(dir, `budget-${rows}-${turnsPerCommit}-${pageSize}.db`)
    const db = openBenchDb(file, 'CREATE TABLE entries (key INTEGER PRIMARY KEY, ts INTEGER NOT NULL, body TEXT NOT NULL)', pageSize)
    try {
      const insert = db.prepare('INSERT INTO entries (key, ts, body) VALUES (?, ?, ?)')
      const batch = db.transaction((from: number) => {
        for (let t = from; t < from + turnsPerCommit; t++) for (let i = 0; i < rows; i++) insert.run(t * 64 + i, Date.now(), BODY)
      })
      const warm = 500 * turnsPerCommit
      for (let t = 0; t < warm; t += turnsPerCommit) batch.immediate(t)
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.pragma('wal_autocheckpoint = 0')
      const turns = Math.ceil(n / turnsPerCommit) * turnsPerCommit
      const t0 = process.hrtime.bigint()
      for (let t = warm; t < warm + turns; t += turnsPerCommit) batch.immediate(t)
      const us = Number(process.hrtime.bigint() - t0) / 1e3 / turns
      if (us < best.us) best = { us, pageSize }
    } finally {
      db.close()
    }
  }
  return best
}

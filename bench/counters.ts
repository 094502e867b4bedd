import { statSync } from 'node:fs'
import type { SqliteDatabase } from '../main/storage/sqliteStore'

/** What the store did, counted at the better-sqlite3 boundary. */
export interface StoreCounts {
  /** Outermost transactions that committed. */
  commits: number
  /** Rows inserted, updated or deleted (`changes` of every run). */
  rows: number
  /** Statements executed: run/get/all/iterate of prepared statements, plus pragma and exec calls. */
  statements: number
}

/** Live counters of one instrumented database, and the WAL accounting of its file. */
export interface StoreCounter {
  readonly counts: StoreCounts
  /** Zeroes the counters, truncates the WAL and stops automatic checkpoints (so WAL growth = bytes written). */
  begin(): void
  /** Counters since `begin`, with the WAL bytes written; automatic checkpoints are restored. */
  end(): StoreCounts & { walBytes: number }
}

const COUNTED = new Set(['run', 'get', 'all', 'iterate'])
const CHAINED = new Set(['pluck', 'raw', 'expand', 'safeIntegers', 'bind'])

/**
 * Wraps `db.prepare`, `db.transaction`, `db.pragma` and `db.exec` of one connection so that every
 * statement, row change and outermost commit is counted. Call it before the stores prepare their
 * statements. Bench-only: the product never loads this file.
 */
export function instrument(db: SqliteDatabase, file: string): StoreCounter {
  const counts: StoreCounts = { commits: 0, rows: 0, statements: 0 }
  const prepare = db.prepare.bind(db)
  const bySql = process.env.BENCH_SQL ? new Map<string, number>() : null
  if (bySql) process.on('exit', () => console.error([...bySql].sort((a, b) => b[1] - a[1]).map(([q, n]) => `${n}\t${q}`).join('\n')))
  const wrapStatement = (stmt: object): object => {
    const proxy: object = new Proxy(stmt, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown
        if (typeof value !== 'function' || typeof prop !== 'string') return value
        if (COUNTED.has(prop)) {
          return (...args: unknown[]) => {
            counts.statements++
            if (bySql) bySql.set((target as { source: string }).source.slice(0, 110).replace(/\s+/g, ' '), (bySql.get((target as { source: string }).source.slice(0, 110).replace(/\s+/g, ' ')) ?? 0) + 1)
            const out = (value as (...a: unknown[]) => unknown).apply(target, args)
            if (prop === 'run') counts.rows += (out as { changes: number }).changes
            // A write with RETURNING read through get (one row).
            else if (prop === 'get' && out !== undefined && /^\s*(INSERT|UPDATE|DELETE)/i.test((target as { source: string }).source)) counts.rows += 1
            return out
          }
        }
        if (CHAINED.has(prop)) {
          return (...args: unknown[]) => {
            ;(value as (...a: unknown[]) => unknown).apply(target, args)
            return proxy
          }
        }
        return (value as (...a: unknown[]) => unknown).bind(target)
      },
    })
    return proxy
  }
  db.prepare = ((sql: string) => wrapStatement(prepare(sql))) as typeof db.prepare

  const transaction = db.transaction.bind(db)
  db.transaction = ((fn: (...a: unknown[]) => unknown) => {
    const t = transaction(fn) as unknown as Record<string, (...a: unknown[]) => unknown>
    const counted = (variant: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
      const outer = !db.inTransaction
      const out = variant(...args)
      if (outer) counts.commits++
      return out
    }
    const wrapped = counted(t as unknown as (...a: unknown[]) => unknown) as unknown as Record<string, unknown>
    for (const v of ['deferred', 'immediate', 'exclusive'] as const) wrapped[v] = counted(t[v]!)
    return wrapped
  }) as unknown as typeof db.transaction

  const pragma = db.pragma.bind(db)
  db.pragma = ((...args: Parameters<typeof db.pragma>) => {
    counts.statements++
    return pragma(...args)
  }) as typeof db.pragma
  const exec = db.exec.bind(db)
  db.exec = ((sql: string) => {
    counts.statements++
    if (sql === 'COMMIT') counts.commits++ // a group commit's batch
    return exec(sql)
  }) as typeof db.exec

  const walSize = (): number => {
    try {
      return statSync(`${file}-wal`).size
    } catch {
      return 0
    }
  }
  let walStart = 0
  return {
    counts,
    begin() {
      pragma('wal_checkpoint(TRUNCATE)')
      pragma('wal_autocheckpoint = 0')
      walStart = walSize()
      counts.commits = 0
      counts.rows = 0
      counts.statements = 0
    },
    end() {
      const walBytes = walSize() - walStart
      pragma('wal_autocheckpoint = 10000')
      pragma('wal_checkpoint(TRUNCATE)')
      return { ...counts, walBytes }
    },
  }
}

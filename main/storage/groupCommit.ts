import { dropLock, holdLock } from './heldLocks'
import type { SqliteStore } from './sqliteStore'

/** Joins beyond which a batch commits at once, even inside one event-loop turn. */
const MAX_JOINS = 256

/**
 * Group commit on one connection: the engine's writes of one event-loop turn (every step that
 * ran in it, across conversations) share one `BEGIN IMMEDIATE … COMMIT`. The first `run` opens
 * the batch; it commits when the turn ends (`setImmediate`), after {@link MAX_JOINS} writes, on
 * `flush()`, before the store closes, and before another connection of the same thread runs a
 * statement (it would otherwise wait synchronously on this batch: `heldLocks.ts`). Each `run` is a savepoint inside the batch: a failing
 * step rolls back alone. Writes of other code on this connection that happen while a batch is
 * open join it (they are savepoints too) and commit with it.
 *
 * The durability rule that goes with it (enforced by the engine): nothing leaves the process
 * before the batch that caused it commits: events are held until `onCommit`, tools with side
 * effects flush first, and `whenIdle` flushes before it resolves.
 */
export class GroupCommit {
  private open = false
  private joins = 0
  private depth = 0
  private readonly listeners: ((error: unknown) => void)[] = []

  constructor(private readonly store: SqliteStore) {
    store.beforeClose(() => this.flush())
  }

  /** True while a batch holds uncommitted writes. */
  pending(): boolean {
    return this.open
  }

  /** Runs `fn` inside the current batch (opening one if needed) as a savepoint. */
  run<T>(fn: () => T): T {
    if (!this.open && !this.store.db.inTransaction) this.begin()
    this.depth++
    try {
      return this.store.write(fn)
    } finally {
      this.depth--
      if (this.open && this.depth === 0 && ++this.joins >= MAX_JOINS) this.flush()
    }
  }

  /** Commits the open batch now (no-op without one, or while a `run` is still executing). */
  flush(): void {
    if (!this.open || this.depth > 0) return
    this.open = false
    this.joins = 0
    dropLock(this.store.db)
    try {
      this.store.db.exec('COMMIT')
    } catch (err) {
      try {
        if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK')
      } finally {
        this.store.rolledBack()
        this.settle(err)
      }
      throw err
    }
    this.settle(null)
  }

  /**
   * Resolves when the writes made so far are committed: at once without an open batch, else when
   * the open batch commits (at the end of this event-loop turn, or earlier); rejects if it rolls
   * back. Unlike {@link flush} it does not cut the batch short, so many waiters share one commit.
   */
  whenCommitted(): Promise<void> {
    if (!this.open) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push((error) => (error === null ? resolve() : reject(error))))
  }

  private waiters: ((error: unknown) => void)[] = []

  /** Waiters first: a listener that throws (an unhandled 'error' event) must not strand them. */
  private settle(error: unknown): void {
    if (this.waiters.length > 0) {
      const waiters = this.waiters
      this.waiters = []
      for (const w of waiters) w(error)
    }
    for (const l of this.listeners) l(error)
  }

  /** Called after every batch: `error` is null when it committed, the failure when it rolled back. */
  onCommit(listener: (error: unknown) => void): void {
    this.listeners.push(listener)
  }

  /** Commits when another connection of this thread is about to use the database (see heldLocks.ts). */
  private readonly release = (): void => {
    try {
      this.flush()
    } catch {
      // reported to onCommit listeners
    }
  }

  private begin(): void {
    this.store.db.exec('BEGIN IMMEDIATE')
    this.open = true
    holdLock(this.store.db, this.release)
    this.store.begun(() => undefined)
    // One pending end-of-turn commit at most: a batch flushed early (whenIdle, a side-effecting
    // tool) and the next one begun in the same turn share it. Work that never yields to the event
    // loop (an instant model) would otherwise queue one Immediate per batch until it does.
    if (this.endOfTurn) return
    this.endOfTurn = true
    setImmediate(this.commitAtEndOfTurn)
  }

  private endOfTurn = false
  private readonly commitAtEndOfTurn = (): void => {
    this.endOfTurn = false
    this.release()
  }
}

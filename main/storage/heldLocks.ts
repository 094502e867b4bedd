/**
 * Write transactions that stay open after the synchronous code that began them returned (a group
 * commit's batch stays open until the end of the event-loop turn), by connection. better-sqlite3
 * waits for a lock synchronously: a second connection of the same thread that writes while such
 * a batch is open would block the very thread that has to commit it, until `busy_timeout` fails
 * with "database is locked". So every statement of a guarded connection (see `faults.ts`) first
 * commits the batches that other connections of this thread hold. Committing early is always
 * safe: a batch's events and side effects wait for its commit, never the other way round.
 * Module state is per thread (worker threads load their own copy), which is the scope needed.
 */
const holders = new Map<object, () => void>()

/** Registers `db` as holding an open write transaction that `release` commits. */
export function holdLock(db: object, release: () => void): void {
  holders.set(db, release)
}

/** `db` no longer holds an open write transaction. */
export function dropLock(db: object): void {
  holders.delete(db)
}

/** Commits the open batches of every connection of this thread except `db` (cheap when none). */
export function releaseOtherLocks(db: object): void {
  if (holders.size === 0 || (holders.size === 1 && holders.has(db))) return
  for (const [other, release] of [...holders]) if (other !== db) release()
}

/** One forward-only schema step. Versions are consecutive from 1; `sql` runs inside a transaction. */
export interface Migration {
  version: number
  name: string
  sql: string
  /** Rebuilds tables others reference: runs with foreign keys off, and `foreign_key_check` must pass before it commits. */
  rebuildsTables?: boolean
}

/** One forward-only schema step. Versions are consecutive from 1; `sql` runs inside a transaction. */
export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The storage port: a migrated database the repositories (ledger, stacks, artifacts) work on.
 * `main/storage` implements it with better-sqlite3 (a file in WAL mode, or `:memory:` in tests).
 */
export interface Store {
  /** File path, or `:memory:`. */
  readonly location: string
  /** Schema version after migrations ran. */
  readonly schemaVersion: number
  close(): void
}

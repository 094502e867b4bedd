/**
 * Error hierarchy. Every error the engine raises on purpose is an {@link AppError} with a literal
 * `code`; the subclass names who has to act. The CLI maps classes to exit codes, the IPC layer
 * to `{ ok: false, error: { code, message } }`. Anything else is a bug and propagates.
 */
export class AppError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** The user gave a bad argument, flag, id or value. */
export class UserInputError extends AppError {
  constructor(message: string, code = 'USER_INPUT', options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** A configuration file or setting is wrong. `problems` lists every issue found, one line each. */
export class ConfigError extends AppError {
  readonly problems: readonly string[]
  constructor(problems: readonly string[] | string, code = 'CONFIG') {
    const list = typeof problems === 'string' ? [problems] : problems
    super(code, list.length === 1 ? list[0]! : `${list.length} configuration problems:\n${list.map((p) => `  - ${p}`).join('\n')}`)
    this.problems = list
  }
}

/** An LLM provider failed (network, auth, rate limit, bad response). */
export class ProviderError extends AppError {
  constructor(message: string, code = 'PROVIDER', options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** A tool failed or was called with bad arguments. */
export class ToolError extends AppError {
  constructor(message: string, code = 'TOOL', options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** The ledger rejected a command or could not be reached. Nothing was changed. */
export class LedgerError extends AppError {
  constructor(message: string, code = 'LEDGER', options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** Codes of {@link StorageError}: what went wrong with the database file. */
export type StorageErrorCode = 'STORAGE_CORRUPT' | 'STORAGE_READONLY' | 'STORAGE_FULL' | 'STORAGE_IO' | 'STORAGE_OPEN' | 'STORAGE_EMPTY' | 'STORAGE_IN_USE'

/**
 * The database file (or the disk under it) failed: damaged, read-only, full, an I/O error, an
 * empty file. Not a bug and not the user's input: the message names `file` and what to do.
 */
export class StorageError extends AppError {
  declare readonly code: StorageErrorCode
  constructor(code: StorageErrorCode, readonly file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** Something that should not happen did; a bug or a corrupted store. */
export class InternalError extends AppError {
  constructor(message: string, code = 'INTERNAL', options?: { cause?: unknown }) {
    super(code, message, options)
  }
}

/** Error message of anything thrown, for logs and error lines. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

import { AppError, ConfigError, LedgerError, ProviderError, StorageError, ToolError, UserInputError } from '../engine/errors'
import { storageErrorOf } from '../storage/faults'
import { safeText } from './safeText'

/** Exit codes by error class: the CLI's contract with scripts. */
export const EXIT = { ok: 0, bug: 1, userInput: 2, config: 3, ledger: 4, provider: 5, tool: 6, audit: 7, storage: 8 } as const

export function exitCodeOf(err: unknown): number {
  if (err instanceof StorageError || storageErrorOf(err, '')) return EXIT.storage
  if (err instanceof UserInputError) return EXIT.userInput
  if (err instanceof ConfigError) return EXIT.config
  if (err instanceof LedgerError) return EXIT.ledger
  if (err instanceof ProviderError) return EXIT.provider
  if (err instanceof ToolError) return EXIT.tool
  return EXIT.bug
}

/**
 * One clear line (config errors: one line per problem); a stack trace only for bugs. Messages
 * quote user input, so every control character in them is escaped (colour codes too: whether
 * colour is on or not, an injected sequence is shown, never applied).
 */
export function describeError(err: unknown): string {
  if (err instanceof AppError) return `error: ${safeText(err.message)}`
  // A storage fault that escaped the store's mapping (the file is unknown here) is still not a bug.
  const storage = storageErrorOf(err, 'the P2Engine database')
  if (storage) return `error: ${safeText(storage.message)}`
  const e = err instanceof Error ? err : new Error(String(err))
  return `internal error (a bug; please report it): ${safeText(e.stack ?? e.message)}`
}

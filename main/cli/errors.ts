import { AppError, ConfigError, LedgerError, ProviderError, ToolError, UserInputError } from '../engine/errors'
import { safeText } from './safeText'

/** Exit codes by error class: the CLI's contract with scripts. */
export const EXIT = { ok: 0, bug: 1, userInput: 2, config: 3, ledger: 4, provider: 5, tool: 6, audit: 7 } as const

export function exitCodeOf(err: unknown): number {
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
  const e = err instanceof Error ? err : new Error(String(err))
  return `internal error (a bug; please report it): ${safeText(e.stack ?? e.message)}`
}

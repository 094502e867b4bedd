import { InvalidArgumentError } from 'commander'

/** Largest value an integer option takes (a limit, a count, days): beyond it is a typo. */
export const INT_OPTION_MAX = 1_000_000

/**
 * Parser for a non-negative integer option of at most `max` (default {@link INT_OPTION_MAX});
 * commander prints the message as one `error:` line and the CLI exits 2.
 */
export const intOption = (name: string, max = INT_OPTION_MAX) => (value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}"`)
  const n = Number(value.trim())
  if (n > max) throw new InvalidArgumentError(`${name} must be at most ${max.toLocaleString('en-US')}, got "${value}"`)
  return n
}

/** Parser for an ISO-8601 time option. */
export const isoOption = (name: string) => (value: string): string => {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new InvalidArgumentError(`${name} must be an ISO-8601 time like 2026-01-31 or 2026-01-31T12:00:00Z, got "${value}"`)
  return new Date(t).toISOString()
}

import { InvalidArgumentError } from 'commander'

/** Parser for a non-negative integer option; commander prints the message and exits non-zero. */
export const intOption = (name: string) => (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}"`)
  return Number(value)
}

/** Parser for an ISO-8601 time option. */
export const isoOption = (name: string) => (value: string): string => {
  const t = Date.parse(value)
  if (Number.isNaN(t)) throw new InvalidArgumentError(`${name} must be an ISO-8601 time like 2026-01-31 or 2026-01-31T12:00:00Z, got "${value}"`)
  return new Date(t).toISOString()
}

import { UserInputError } from '../errors'

/**
 * Exact decimals with Daml `Decimal` (= `Numeric 10`) rules: at most 10 fractional digits and
 * 38 significant digits in all, so |x| < 10^28. Values are held as a bigint scaled by 10^10;
 * JS floats never touch an amount.
 */
export const SCALE = 10
const FACTOR = 10n ** BigInt(SCALE)
const LIMIT = 10n ** 38n // exclusive bound on the scaled value (28 integer + 10 fractional digits)
const PATTERN = /^([+-])?(\d+)(?:\.(\d+))?$/

/** A Numeric 10 value as scaled units (value × 10^10). */
export type Units = bigint

/**
 * Parses a decimal string (or a safe integer number) into scaled units.
 * @throws UserInputError naming `what` when the text is not a decimal, has more than 10
 * fractional digits, or lies outside the Numeric 10 range.
 */
export function parseDecimal(input: string | number, what = 'amount'): Units {
  let text: string
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new UserInputError(`${what} must be a finite decimal number, got ${input}`)
    text = String(input)
    if (/e/i.test(text)) throw new UserInputError(`${what} ${text} is outside the range of a Daml Decimal (Numeric 10)`)
  } else {
    text = input.trim()
  }
  const m = PATTERN.exec(text)
  if (!m) throw new UserInputError(`${what} must be a decimal number like 12.5, got "${input}"`)
  const [, sign, int, frac = ''] = m
  if (frac.length > SCALE) {
    throw new UserInputError(`${what} "${text}" has ${frac.length} fractional digits; a Daml Decimal allows at most ${SCALE}`)
  }
  const units = BigInt(int!) * FACTOR + BigInt(frac.padEnd(SCALE, '0') || '0')
  if (units >= LIMIT) throw new UserInputError(`${what} "${text}" is outside the range of a Daml Decimal (Numeric 10: |x| < 10^28)`)
  return sign === '-' ? -units : units
}

/** Canonical text: no exponent, no trailing fractional zeros, at least one fractional digit ("12.5", "100.0"). */
export function formatDecimal(units: Units): string {
  const neg = units < 0n
  const abs = neg ? -units : units
  const int = abs / FACTOR
  let frac = (abs % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '')
  if (frac === '') frac = '0'
  return `${neg ? '-' : ''}${int}.${frac}`
}

/** Fixed number of fractional digits for display, rounding half away from zero ("125.00"). */
export function formatFixed(units: Units, digits = 2): string {
  const step = 10n ** BigInt(SCALE - digits)
  const neg = units < 0n
  const abs = neg ? -units : units
  const rounded = (abs + step / 2n) / step
  const p = 10n ** BigInt(digits)
  const int = rounded / p
  const frac = digits > 0 ? '.' + (rounded % p).toString().padStart(digits, '0') : ''
  return `${neg && rounded !== 0n ? '-' : ''}${int}${frac}`
}

/** Adds with the Numeric 10 overflow check Daml applies. */
export function addUnits(a: Units, b: Units): Units {
  const r = a + b
  if (r >= LIMIT || r <= -LIMIT) throw new UserInputError(`result ${formatDecimal(r)} overflows a Daml Decimal`)
  return r
}

/** Normalises a decimal string to its canonical form. */
export const normalizeDecimal = (text: string, what?: string): string => formatDecimal(parseDecimal(text, what))

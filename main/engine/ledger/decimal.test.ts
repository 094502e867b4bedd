import { describe, expect, it } from 'vitest'
import { UserInputError } from '../errors'
import { addUnits, formatDecimal, formatFixed, normalizeDecimal, parseDecimal } from './decimal'

describe('Daml Decimal (Numeric 10)', () => {
  it('parses and formats exactly, without floats', () => {
    expect(formatDecimal(parseDecimal('0.1') + parseDecimal('0.2'))).toBe('0.3')
    expect(normalizeDecimal('100')).toBe('100.0')
    expect(normalizeDecimal('007.5000')).toBe('7.5')
    expect(normalizeDecimal('-3.25')).toBe('-3.25')
    expect(normalizeDecimal('0.0000000001')).toBe('0.0000000001')
    expect(normalizeDecimal('9999999999999999999999999999.9999999999')).toBe('9999999999999999999999999999.9999999999')
    expect(parseDecimal(12.5)).toBe(125_000_000_000n)
  })

  it('rejects more than 10 fractional digits, out-of-range values and non-numbers', () => {
    expect(() => parseDecimal('0.00000000001')).toThrow(/11 fractional digits; a Daml Decimal allows at most 10/)
    expect(() => parseDecimal('10000000000000000000000000000')).toThrow(/outside the range/)
    for (const bad of ['NaN', 'abc', '1e3', '', '1.', '.5', '1,5']) expect(() => parseDecimal(bad)).toThrow(UserInputError)
    expect(() => parseDecimal(Number.NaN)).toThrow(/finite/)
    expect(() => parseDecimal(1e30)).toThrow(/outside the range/)
  })

  it('detects overflow on addition and rounds for display', () => {
    const max = parseDecimal('9999999999999999999999999999.9999999999')
    expect(() => addUnits(max, parseDecimal('0.0000000001'))).toThrow(/overflows/)
    expect(formatFixed(parseDecimal('125'), 2)).toBe('125.00')
    expect(formatFixed(parseDecimal('0.005'), 2)).toBe('0.01')
    expect(formatFixed(parseDecimal('-0.004'), 2)).toBe('0.00')
  })
})

import { describe, expect, it } from 'vitest'
import { safeText } from './safeText'

describe('safeText', () => {
  it('escapes ESC as \\e, other C0/C1 controls as \\xNN and bidi overrides as \\uNNNN; keeps newlines and plain text', () => {
    expect(safeText('\u001b[2J\u001b[31mpwned')).toBe('\\e[2J\\e[31mpwned')
    expect(safeText('a\u0007b\u0000c\u007fd\u009be')).toBe('a\\x07b\\x00c\\x7fd\\x9be')
    expect(safeText('tab\there\rback\bspace')).toBe('tab\\there\\rback\\bspace')
    expect(safeText('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe')
    expect(safeText('line one\nline two — ünïcødé 東京 🎉')).toBe('line one\nline two — ünïcødé 東京 🎉')
  })

  it('with keepColour keeps well-formed SGR colour codes only', () => {
    expect(safeText('\u001b[32mok\u001b[39m \u001b[2J\u001b]0;title\u0007', { keepColour: true })).toBe('\u001b[32mok\u001b[39m \\e[2J\\e]0;title\\x07')
  })

  it('with keepTabs keeps tabs and still escapes the rest', () => {
    expect(safeText('a\tb\u001b[2J', { keepTabs: true })).toBe('a\tb\\e[2J')
  })

  it('is idempotent (escaping twice changes nothing more)', () => {
    const once = safeText('\u001b[2Jx\u0001')
    expect(safeText(once)).toBe(once)
  })
})

import { describe, expect, it } from 'vitest'
import pc from 'picocolors'
import { panel, table } from './output'
import { cutText, DEFAULT_WIDTH, fitColumns, terminalWidth, visibleWidth, wrapText } from './tableLayout'

const widest = (text: string) => Math.max(...text.split('\n').map(visibleWidth))
/** Every visible character but spaces and borders, sorted: wrapping moves text around but loses none. */
const letters = (text: string) => [...text.replace(/\u001b\[[0-9;]*m/g, '').replace(/[│┌┐└┘├┤┬┴┼─\s]/g, '')].sort().join('')

describe('table layout', () => {
  it('uses the TTY width, else $COLUMNS, else 100', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132)
    expect(terminalWidth({ isTTY: false, columns: 132 }, { COLUMNS: '80' })).toBe(80)
    expect(terminalWidth({}, {})).toBe(DEFAULT_WIDTH)
    expect(terminalWidth({}, { COLUMNS: 'wide' })).toBe(100)
  })

  it('measures text as the terminal shows it and wraps at words, splitting long ids after _ or -', () => {
    expect(visibleWidth(pc.red('✓ ok'))).toBe(4)
    expect(visibleWidth('💸 x')).toBe(4)
    expect(wrapText('the quick brown fox', 10)).toBe('the quick\nbrown fox')
    expect(wrapText('payment_coordinator', 10)).toBe('payment_\ncoordinato\nr')
    expect(wrapText('chat_4adcfed5-9666-429a', 10)).toBe('chat_\n4adcfed5-\n9666-429a')
    expect(cutText('abcdefghij', 5)).toBe('abcd…')
  })

  it('keeps natural widths when they fit and shrinks the widest columns first when not', () => {
    expect(fitColumns([['a', 'bb'], ['ccc', 'd']], 100)).toStrictEqual({ widths: [3, 2], padding: 1 })
    const long = 'word '.repeat(40).trim()
    const { widths, padding } = fitColumns([['id', 'text'], ['agent_alpha', long]], 60)
    expect([widths[0], padding, widths.reduce((a, b) => a + b, 0) + 3 + 4]).toStrictEqual([11, 1, 60])
    // A kept column stays whole while the others can give way.
    expect(fitColumns([['ref', 'text'], ['x'.repeat(32), long]], 60, [0]).widths[0]).toBe(32)
  })

  it('no line of a table or panel is wider than the width, and no word is lost', () => {
    const rows = [
      ['payment_coordinator', 'service_payment (offline model)', pc.green('1.000'), 'Sent 15 to agent_helper with the note "Payment for weather information services"; your balance is 85.00.'],
      ['weather_service', 'weather_provider', pc.red('0.250'), "It's 71.6 °F in Paris. It's 50 °F in Tokyo. It's 72 °F in San Francisco."],
    ]
    for (const width of [100, 60]) {
      const t = table('Rollout Metrics (per variant)', ['team', 'variant', 'score', 'answer'], rows, { width })
      expect(widest(t)).toBeLessThanOrEqual(width)
      expect(letters(t)).toBe(letters(['Rollout Metrics (per variant)', 'team variant score answer', ...rows.map((r) => r.join(' '))].join('\n')))
      const p = panel('System Overview', [['Backend', `embedded (SQLite ${'/very/long/path'.repeat(8)}/p2engine.db)`]], width)
      expect(widest(p)).toBeLessThanOrEqual(width)
    }
  })

  it('a table with many columns still fits 100 columns', () => {
    const head = ['team', 'variant', 'score', 'tokens', 'judge tok', 'cost $', 'elapsed s', 'model s', 'tools', 'errors', 'final balance', 'net flow', 'tx', 'paid by', 'tie']
    const row = ['payment_coordinator', 'service_payment', '1.000 (offline)', '2,601', '426', '0.0000', '0.8', '0.1', '3', '', '85.00', '-15.00', '1', 'agent_alpha', 'no']
    expect(widest(table(null, head, [row, row], { width: 100 }))).toBeLessThanOrEqual(100)
  })
})

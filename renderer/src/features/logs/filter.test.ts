import { describe, expect, it } from 'vitest'
import { filterLines, linesAsText, type LogFilters } from './filter'
import type { LogLine } from './types'

const line = (level: LogLine['level'], source: LogLine['source'], msg: string, fields: Record<string, unknown> = {}): LogLine =>
  ({ time: '2026-01-02T10:00:00.000Z', level, source, msg, fields })

const lines = [
  line('debug', 'app', 'noise'),
  line('info', 'app', 'turn started', { conversation: 'c1' }),
  line('warn', 'workers', 'variant failed', { variant: 'v2' }),
  line('error', 'canton', 'ERROR boom'),
]

describe('log filters', () => {
  const all: LogFilters = { level: 'trace', sources: ['app', 'workers', 'canton'], search: '' }
  it('keep the level and above, the chosen sources, and lines whose message or fields hold the text', () => {
    expect(filterLines(lines, all)).toHaveLength(4)
    expect(filterLines(lines, { ...all, level: 'warn' }).map((l) => l.msg)).toEqual(['variant failed', 'ERROR boom'])
    expect(filterLines(lines, { ...all, sources: ['app'] }).map((l) => l.msg)).toEqual(['noise', 'turn started'])
    expect(filterLines(lines, { ...all, search: 'C1' }).map((l) => l.msg)).toEqual(['turn started'])
    expect(filterLines(lines, { ...all, search: 'variant=v2' }).map((l) => l.msg)).toEqual(['variant failed'])
  })
  it('copy as text in the CLI layout', () => {
    expect(linesAsText([lines[1]!])).toBe('2026-01-02T10:00:00.000Z INFO  app      turn started  conversation=c1')
  })
})

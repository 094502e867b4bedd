import { describe, expect, it } from 'vitest'
import { createPino } from './pinoLogger'

describe('createPino', () => {
  it('leaves Error.stackTraceLimit as it was and writes scrubbed JSON lines', () => {
    const before = Error.stackTraceLimit
    const lines: string[] = []
    const p = createPino({ level: 'info', base: { proc: 'test' }, secrets: ['sk-secret-value-123456'] }, { write: (s: string) => void lines.push(s) })
    expect(Error.stackTraceLimit).toBe(before)
    p.info({ apiKey: 'x', note: 'key sk-secret-value-123456' }, 'hello')
    const line = JSON.parse(lines[0]!) as Record<string, unknown>
    expect(line).toMatchObject({ level: 'info', proc: 'test', msg: 'hello', apiKey: '[Redacted]' })
    expect(lines[0]).not.toContain('sk-secret-value-123456')
    expect(new Error('x').stack!.split('\n').length).toBeGreaterThan(1)
  })
})

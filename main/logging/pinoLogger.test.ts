import { describe, expect, it } from 'vitest'
import { createPino } from './pinoLogger'
import { censorSecrets } from './redact'

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

  it('censors secret fields down to three levels below the top, in the line and in child bindings, and leaves the caller\'s objects alone', () => {
    const lines: string[] = []
    const p = createPino({ level: 'info' }, { write: (s: string) => void lines.push(s) })
    const fields = { a: { token: 't1', b: { password: 'p2', c: { Authorization: 'a3', d: { secret: 'deeper than pino looked' } } } }, list: [{ api_key: 'k' }], apiKey: undefined }
    p.child({ cookie: 'c0', who: 'me' }).info(fields, 'hi')
    const line = JSON.parse(lines[0]!) as Record<string, any>
    expect(line.cookie).toBe('[Redacted]')
    expect(line.who).toBe('me')
    expect(line.a.token).toBe('[Redacted]')
    expect(line.a.b.password).toBe('[Redacted]')
    expect(line.a.b.c.Authorization).toBe('[Redacted]')
    // Four levels down the field walk stops (as pino's paths did); the line scrubber still catches a string member.
    expect((censorSecrets(fields) as any).a.b.c.d.secret).toBe('deeper than pino looked')
    expect(line.a.b.c.d.secret).toBe('[Redacted]')
    expect(line.list[0].api_key).toBe('[Redacted]')
    expect(fields.a.token).toBe('t1')
    expect(fields.list[0]!.api_key).toBe('k')
    const plain = { x: 1, y: { z: [1, 2] } }
    expect(censorSecrets(plain)).toBe(plain)
  })
})

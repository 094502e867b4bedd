import { describe, expect, it } from 'vitest'
import { lazyLogger, type Logger } from './logger'

/** A logger recording its lines with their bindings, and how many loggers were made. */
function recording(lines: string[], made: { n: number }, bindings: Record<string, unknown> = {}): Logger {
  made.n++
  const line = (level: string) => (m: string) => void lines.push(`${level} ${JSON.stringify(bindings)} ${m}`)
  return { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), fatal: line('fatal'), child: (b) => recording(lines, made, { ...bindings, ...b }) }
}

describe('lazyLogger', () => {
  it('makes nothing until the first line, then the logger once and each child once', () => {
    const lines: string[] = []
    const made = { n: 0 }
    const log = lazyLogger(() => recording(lines, made))
    const child = log.child({ component: 'pool' })
    expect(made.n).toBe(0)
    child.info('one')
    child.warn('two')
    log.error('three')
    expect(lines).toEqual(['info {"component":"pool"} one', 'warn {"component":"pool"} two', 'error {} three'])
    expect(made.n).toBe(2) // the root and its child, once each
  })
})

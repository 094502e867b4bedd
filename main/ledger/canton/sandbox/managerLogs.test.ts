import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../../../engine/ports/logger'
import { CantonSandbox } from './manager'

const STAND_IN = fileURLToPath(new URL('./testing/canton', import.meta.url))
const sandboxes: CantonSandbox[] = []
afterEach(async () => { for (const s of sandboxes.splice(0)) await s.stop() })

/** A logger that keeps `level msg` of each line. */
function memoryLogger(lines: string[]): Logger {
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`)
  const l: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'), child: () => l }
  return l
}

describe('the Canton sandbox log', () => {
  it('is rotated before a start when over the size, created 0600, and phases go to the host log', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-canton-logs-'))
    const darPath = join(home, 'model.dar')
    writeFileSync(darPath, 'dar')
    mkdirSync(join(home, 'logs'))
    const log = join(home, 'logs', 'canton.log')
    writeFileSync(log, 'old run\n'.repeat(100), { mode: 0o644 })
    const lines: string[] = []
    const sb = new CantonSandbox({
      install: { kind: 'canton', bin: STAND_IN, source: 'CANTON_BIN' }, home, darPath, env: { ...process.env, STANDIN_MODE: 'ok', STANDIN_MARKER: join(home, 'x'), STANDIN_ARGS_LOG: join(home, 'args.log') },
      logger: memoryLogger(lines), logRotation: { maxBytes: 500, keep: 2 },
    })
    sandboxes.push(sb)
    await sb.start()
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('old run\n'.repeat(100))
    const now = readFileSync(log, 'utf8')
    expect(now).not.toContain('old run')
    expect(now).toContain('Canton sandbox is ready.')
    expect(statSync(log).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, 'logs')).mode & 0o777).toBe(0o700)
    await sb.stop()
    expect(lines).toEqual(['info canton sandbox starting', 'info canton sandbox ready', 'info canton sandbox stopping', 'info canton sandbox stopped'])
  })
})

import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openLogFile } from './files'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'p2e-logfile-'))
  dirs.push(d)
  return join(d, 'logs')
}

describe('openLogFile', () => {
  it('makes the log folder again (0700) when it was removed while the process ran', () => {
    const dir = fresh()
    const log = openLogFile(dir, 'app.log', { maxSize: '10M', maxFiles: 2 })
    expect(log.write('one\n')).toBe(true)
    log.end()
    rmSync(dir, { recursive: true, force: true })
    expect(log.write('two\n')).toBe(true)
    log.end()
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('two\n')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })

  it('keeps the line when another process rotated the full file first', () => {
    const dir = fresh()
    const log = openLogFile(dir, 'app.log', { maxSize: '1K', maxFiles: 3 })
    for (let i = 0; i < 5; i++) log.write(`${'x'.repeat(250)} ${i}\n`) // past 1 KiB: the next write rotates
    renameSync(join(dir, 'app.log'), join(dir, 'app.log.1')) // someone else rotated it
    expect(log.write('after\n')).toBe(true)
    log.end()
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toBe('after\n')
    expect(readdirSync(dir).sort()).toEqual(['app.log', 'app.log.1'])
  })
})

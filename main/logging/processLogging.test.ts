import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { startProcessLogging } from './processLogging'
import type { LoggingSettings } from './settings'

const SECRET = 'sk-test-9f8e7d6c5b4a3f2e1d0c'
const settings = (o: Partial<LoggingSettings> = {}): LoggingSettings => ({ level: 'info', workerLevel: 'info', console: false, maxSize: '10M', maxFiles: 5, ...o })
const homes: string[] = []
const newHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'p2e-logs-'))
  homes.push(h)
  return h
}
afterEach(() => { for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true }) })

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)

describe('process logging', () => {
  it('writes JSON lines to logs/app.log, the folder 0700 and the file 0600', async () => {
    const home = newHome()
    const logging = startProcessLogging({ home, settings: settings(), proc: 'cli', secrets: [] })
    logging.logger.child({ component: 'engine' }).info('turn started', { conversation: 'c1' })
    logging.logger.debug('not at info')
    await logging.close()
    const file = join(home, 'logs', 'app.log')
    expect(lines(file).map(({ level, msg, proc, component, conversation }) => ({ level, msg, proc, component, conversation }))).toEqual([
      { level: 'info', msg: 'turn started', proc: 'cli', component: 'engine', conversation: 'c1' },
    ])
    expect(statSync(join(home, 'logs')).mode & 0o777).toBe(0o700)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('removes a known key from fields, messages, headers and errors', async () => {
    const home = newHome()
    const logging = startProcessLogging({ home, settings: settings(), proc: 'app', secrets: [SECRET] })
    logging.logger.info(`calling with ${SECRET}`, { settings: { llm: { apiKey: SECRET } }, headers: { Authorization: `Bearer ${SECRET}` }, note: SECRET })
    logging.logger.error('failed', { err: { message: `401 for key ${SECRET}` }, cantonToken: 'eyJhbGciOiJIUzI1NiJ9.payload.sig' })
    logging.logger.info('other key', { text: 'Authorization: Bearer abcdefghijklmnop', pasted: 'sk-proj-ABCDEFGHIJKLMNOPQRST', apiBase: 'https://me:hunter2pass@llm.example/v1' })
    await logging.close()
    const text = readFileSync(join(home, 'logs', 'app.log'), 'utf8')
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9')
    expect(text).not.toContain('abcdefghijklmnop')
    expect(text).not.toContain('ABCDEFGHIJKLMNOPQRST')
    expect(text).not.toContain('hunter2pass')
    expect(text).toContain('https://me:[Redacted]@llm.example/v1')
    expect(text.match(/\[Redacted\]/g)?.length).toBeGreaterThanOrEqual(7)
    // The rest of the line survives.
    expect(lines(join(home, 'logs', 'app.log'))[1]!.msg).toBe('failed')
  })

  it('rotates by size and keeps maxFiles rotated files', async () => {
    const home = newHome()
    const logging = startProcessLogging({ home, settings: settings({ maxSize: '2K', maxFiles: 2 }), proc: 'cli', secrets: [] })
    for (let i = 0; i < 60; i++) {
      logging.logger.info(`line ${i}`, { filler: 'y'.repeat(300) })
      await new Promise((r) => setTimeout(r, 2))
    }
    await logging.close()
    expect(readdirSync(join(home, 'logs')).sort()).toEqual(['app.log', 'app.log.1', 'app.log.2'])
    expect(statSync(join(home, 'logs', 'app.log.1')).mode & 0o777).toBe(0o600)
  })

  it('prints the human format to the console when LOG_TO_CONSOLE is on', async () => {
    const home = newHome()
    const printed: string[] = []
    const logging = startProcessLogging({ home, settings: settings({ console: true }), proc: 'cli', secrets: [SECRET], consoleOut: (l) => printed.push(l) })
    logging.logger.warn('model call failed', { model: 'openai/gpt-4o', key: SECRET })
    await logging.close()
    expect(printed).toHaveLength(1)
    expect(printed[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} WARN  app      model call failed  proc=cli model=openai\/gpt-4o key="?\[Redacted\]"?$/)
  })

  it('collects the lines of several worker threads into workers.log without tearing one', async () => {
    const home = newHome()
    const logging = startProcessLogging({ home, settings: settings(), proc: 'cli', secrets: [] })
    const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
    const file = fileURLToPath(new URL('./testing/logWorker.ts', import.meta.url))
    const run = () => new Promise<void>((resolve, reject) => {
      // tsx's API loads the TypeScript entry (a worker's entry file bypasses --import loaders).
      const api = pathToFileURL(join(tsx, 'dist', 'esm', 'api', 'index.mjs')).href
      const entry = pathToFileURL(file).href
      const w = new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`, { eval: true, workerData: { home, count: 300, secret: SECRET } })
      w.once('message', () => resolve())
      w.once('error', reject)
    })
    // Two threads (each boots tsx, ~1 s) writing at once are enough to tear lines if writes could interleave.
    await Promise.all([run(), run()])
    logging.workersLogger.info('worker thread exited', { thread: 1 })
    await new Promise((r) => setTimeout(r, 50))
    await logging.close()
    const file2 = join(home, 'logs', 'workers.log')
    expect(existsSync(file2)).toBe(true)
    const text = readFileSync(file2, 'utf8')
    expect(text).not.toContain(SECRET)
    const parsed = lines(file2) // throws on a torn line
    expect(parsed).toHaveLength(601)
    const threads = new Set(parsed.filter((l) => l.proc === 'worker').map((l) => l.thread))
    expect(threads.size).toBe(2)
    expect(parsed.at(-1)).toMatchObject({ msg: 'worker thread exited', component: 'pool' })
  })
})

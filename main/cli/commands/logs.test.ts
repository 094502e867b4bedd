import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from '../../engine/testing/fakeOpenAi'
import { startProcessLogging } from '../../logging/processLogging'
import { CliContext } from '../context'
import { cliEnv, type CliEnv } from './cliTestKit'
import { runLogs } from './logs'

const KEY = 'sk-proj-KNOWNKEY0123456789abcdefXYZ'
let env: CliEnv | undefined
let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
  env?.cleanup()
  env = undefined
})

const logDir = (e: CliEnv) => join(e.env.P2ENGINE_HOME!, 'logs')
const json = (line: string) => JSON.parse(line) as { level: string; source: string; msg: string; fields: Record<string, unknown> }

describe('log files of the CLI', () => {
  it('log a paying chat and a failing model call without the API key anywhere', async () => {
    fake = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'transfer_funds', arguments: '{"to_agent":"agent_beta","amount":2.5}' }] },
      { content: 'Paid agent_beta 2.5.' },
      // The provider echoes the key in its error, as some do.
      { status: 401, error: { message: `Incorrect API key provided: ${KEY}`, code: 'invalid_api_key' } },
    ])
    env = cliEnv()
    Object.assign(env.env, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: KEY })
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    expect((await env.run(['chat', 'with', 'agent_alpha', '--name', 'paid'], { input: ['pay agent_beta 2.5', 'exit'] })).out).toContain('Paid agent_beta 2.5.')
    const failed = await env.run(['chat', 'with', 'agent_alpha', '--name', 'failing'], { input: ['hello again', 'exit'] })
    expect(failed.out + failed.err).toMatch(/401|API key/i)

    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '100000'])).code).not.toBe(0)

    const files = readdirSync(logDir(env))
    expect(files).toContain('app.log')
    for (const f of files) expect(readFileSync(join(logDir(env), f), 'utf8'), f).not.toContain(KEY)

    const r = await env.run(['logs', '--source', 'app', '--json', '--lines', '1000'])
    expect(r.code).toBe(0)
    const records = r.lines.map(json)
    const msgs = records.map((x) => x.msg)
    for (const m of ['process started', 'config loaded', 'turn started', 'model call', 'tool call', 'ledger transfer', 'turn finished', 'model call failed']) expect(msgs, m).toContain(m)
    expect(records.find((x) => x.msg === 'process started')!.fields).toMatchObject({ proc: 'cli', backend: 'embedded', version: expect.any(String) })
    expect(records.find((x) => x.msg === 'ledger transfer')!.fields).toMatchObject({ from: 'agent_alpha', to: 'agent_beta', amount: '2.5' })
    const refused = records.find((x) => x.msg === 'ledger transfer failed')!
    expect(refused).toMatchObject({ level: 'warn', fields: { amount: '100000', err: { code: expect.any(String) } } })
    expect(records.find((x) => x.msg === 'command failed')!).toMatchObject({ level: 'error', fields: { err: { code: (refused.fields.err as { code: string }).code } } })
    expect(records.find((x) => x.msg === 'model call failed')!).toMatchObject({ level: 'warn', fields: { model: 'openai/gpt-4o', err: { code: expect.any(String) } } })

    // --level warn: only warnings and worse, in the human format.
    const warn = await env.run(['logs', '--level', 'warning'])
    expect(warn.code).toBe(0)
    expect(warn.lines.length).toBeGreaterThan(0)
    for (const l of warn.lines) expect(l).toMatch(/^\S+ \S+ (WARN |ERROR|FATAL) app {6}/)
    expect(warn.out).toContain('model call failed')
  })

  it('log a rollout: its start and end in app.log, its variants (on the single writer) and their turns in workers.log, tagged by rollout, team and variant', async () => {
    env = cliEnv()
    const spec = join(env.root, 'one.yml')
    writeFileSync(spec, 'teams:\n  t:\n    base: { agent_id: agent_beta }\n    variants:\n      - { id: v1, initial_message: hello }\n')
    const r = await env.run(['rollout', 'start', spec, '--parallel', '1', '--json'])
    expect([r.code, r.err]).toEqual([0, ''])
    const app = (await env.run(['logs', '--source', 'app', '--json'])).lines.map(json)
    const rollout = app.find((x) => x.msg === 'rollout started')!.fields.rollout
    expect(app.find((x) => x.msg === 'rollout finished')!.fields).toMatchObject({ rollout, failed: 0 })
    const workers = (await env.run(['logs', '--source', 'workers', '--json'])).lines.map(json)
    const byMsg = (m: string) => workers.find((x) => x.msg === m)
    expect(byMsg('variant started')!.fields).toMatchObject({ rollout, team: 't', variant: 'v1' })
    expect(byMsg('variant finished')!.fields).toMatchObject({ rollout, team: 't', variant: 'v1', errors: 0 })
    expect(workers.some((x) => x.msg === 'turn started' && x.fields.conversation === `rollout:${rollout}:t:v1`)).toBe(true)
  })

  it('refuse a bad --level, --source or --lines and a bad log setting with a named error', async () => {
    env = cliEnv()
    const level = await env.run(['logs', '--level', 'loud'])
    expect(level.code).not.toBe(0)
    expect(level.err).toContain('--level must be one of trace, debug, info, warn, warning, error, critical, fatal, got "loud"')
    const source = await env.run(['logs', '--source', 'db'])
    expect(source.code).not.toBe(0)
    expect(source.err).toContain('--source must be app, workers, canton (or several, comma-separated), got "db"')
    expect((await env.run(['logs', '--lines', '-3'])).code).not.toBe(0)

    env.env.LOG_LEVEL = 'LOUD'
    const bad = await env.run(['ledger', 'balance'])
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(/env LOG_LEVEL: got "LOUD", expected one of TRACE, DEBUG, INFO/)
    env.env.LOG_LEVEL = 'debug'
    env.env.WORKER_LOG_LEVEL = 'chatty'
    const worker = await env.run(['ledger', 'balance'])
    expect(worker.code).not.toBe(0)
    expect(worker.err).toMatch(/env WORKER_LOG_LEVEL: got "chatty", expected one of TRACE, DEBUG, INFO, WARN, WARNING, ERROR, CRITICAL, FATAL/)
    const validate = await env.run(['config', 'validate'])
    expect(validate.code).toBe(3)
    expect(validate.out).toContain('env WORKER_LOG_LEVEL: got "chatty"')
    delete env.env.WORKER_LOG_LEVEL
    env.env.LOG_MAX_FILES = '0'
    expect((await env.run(['ledger', 'balance'])).err).toMatch(/env LOG_MAX_FILES: got "0", expected a whole number from 1 to 100/)
  })

  it('merge the sources by time, Canton lines included, and say when there is nothing', async () => {
    env = cliEnv()
    const empty = await env.run(['logs'])
    expect(empty.code).toBe(0)
    expect(empty.err).toContain('No log lines yet in')
    mkdirSync(logDir(env), { recursive: true })
    writeFileSync(join(logDir(env), 'app.log'), [
      '{"level":"info","time":"2026-01-02T10:00:00.000Z","pid":1,"proc":"cli","msg":"first"}',
      '{"level":"error","time":"2026-01-02T10:00:02.000Z","pid":1,"proc":"cli","msg":"third","err":{"code":"LEDGER","message":"no"}}',
      '',
    ].join('\n'))
    writeFileSync(join(logDir(env), 'canton.log'), '2026-01-02 10:00:01,500 [main] WARN  c.d.canton - second\n\tat continuation\n')
    const r = await env.run(['logs', '--json'])
    expect(r.lines.map(json).map((x) => [x.msg.trim(), x.level, x.source])).toEqual([
      ['first', 'info', 'app'], ['2026-01-02 10:00:01,500 [main] WARN  c.d.canton - second', 'warn', 'canton'], ['at continuation', 'info', 'canton'], ['third', 'error', 'app'],
    ])
    const human = await env.run(['logs', '--source', 'app', '--lines', '1'])
    expect(human.lines).toHaveLength(1)
    expect(human.lines[0]).toMatch(/ERROR app {6}third {2}proc=cli err="LEDGER: no"$/)
  })

  it('--follow prints new lines once each, across a rotation', async () => {
    env = cliEnv()
    const home = env.env.P2ENGINE_HOME!
    const logging = startProcessLogging({ home, settings: { level: 'info', workerLevel: 'info', console: false, maxSize: '1K', maxFiles: 3 }, proc: 'cli', secrets: [] })
    logging.logger.info('before follow')
    await new Promise((r) => setTimeout(r, 50))
    const out: string[] = []
    const ctx = new CliContext({}, { out: (t) => out.push(t), err: () => {} }, env.env)
    let stop!: () => void
    const stopped = new Promise<void>((r) => { stop = r })
    const following = runLogs(ctx, { follow: true, lines: 10, json: true }, { stop: stopped, intervalMs: 20 })
    // Enough to rotate app.log (1 KB) several times while following.
    for (let i = 0; i < 12; i++) {
      logging.logger.info(`new ${i}`, { filler: 'z'.repeat(200) })
      await new Promise((r) => setTimeout(r, 30))
    }
    await logging.close()
    await new Promise((r) => setTimeout(r, 100))
    stop()
    await following
    await ctx.close()
    expect(readdirSync(logDir(env))).toContain('app.log.1')
    const msgs = out.map((l) => json(l).msg)
    expect(msgs).toEqual(['before follow', ...Array.from({ length: 12 }, (_, i) => `new ${i}`)])
  })
})

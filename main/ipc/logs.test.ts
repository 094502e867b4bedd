import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { contract, type Envelope, type InvokeChannel, type InvokeInput, type InvokeOutput } from '../../preload/contract'
import { testConfig } from './fixtures'
import { logsHandlers } from './logs'
import { MapTransport, registerHandlers } from './register'
import type { AppServices } from './services'

const homes: string[] = []
afterEach(() => { for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true }) })

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'p2e-ipc-logs-'))
  homes.push(home)
  mkdirSync(join(home, 'logs'))
  const services: AppServices = { config: testConfig(home), ledger: {} as never, app: { name: 'P2Engine', version: '0', host: 'browser' } }
  const transport = new MapTransport()
  registerHandlers({ invokes: Object.fromEntries(Object.entries(contract.invokes).filter(([k]) => k.startsWith('logs:'))), events: contract.events } as never, logsHandlers(services), transport)
  const call = <C extends InvokeChannel>(c: C, input: InvokeInput<C>) => transport.invoke(c, input) as Promise<Envelope<InvokeOutput<C>>>
  return { home, call }
}

const line = (t: number, level: string, msg: string, extra = '') => `{"level":"${level}","time":"2026-01-02T10:00:0${t}.000Z","pid":1,"proc":"app","msg":"${msg}"${extra}}\n`

describe('logs:tail', () => {
  it('answers the newest lines, then only the new ones after the cursor, filtered by level, source and text', async () => {
    const { home, call } = setup()
    const app = join(home, 'logs', 'app.log')
    writeFileSync(app, line(0, 'debug', 'noise') + line(1, 'info', 'turn started', ',"conversation":"c1"') + line(2, 'error', 'model call failed'))
    writeFileSync(join(home, 'logs', 'canton.log'), '2026-01-02 10:00:01,500 [main] INFO  canton - hello\n')
    const first = await call('logs:tail', { level: 'info', lines: 10 })
    if (!first.ok) throw new Error(first.error.message)
    expect(first.data.lines.map((l) => [l.source, l.level, l.msg])).toEqual([
      ['app', 'info', 'turn started'], ['canton', 'info', '2026-01-02 10:00:01,500 [main] INFO  canton - hello'], ['app', 'error', 'model call failed'],
    ])
    expect(first.data.lines[0]!.fields).toEqual({ proc: 'app', conversation: 'c1' })
    expect(first.data.dir).toBe(join(home, 'logs'))

    appendFileSync(app, line(3, 'warn', 'tool call failed') + line(4, 'info', 'turn finished', ',"conversation":"c2"'))
    const next = await call('logs:tail', { cursor: first.data.cursor, level: 'info' })
    expect(next.ok && next.data.lines.map((l) => l.msg)).toEqual(['tool call failed', 'turn finished'])
    const again = await call('logs:tail', { cursor: next.ok ? next.data.cursor : '' })
    expect(again.ok && again.data.lines).toEqual([])

    const search = await call('logs:tail', { search: 'C2', sources: ['app'] })
    expect(search.ok && search.data.lines.map((l) => l.msg)).toEqual(['turn finished'])
  })

  it('cuts a huge message to the contract limit and refuses bad input by name', async () => {
    const { home, call } = setup()
    writeFileSync(join(home, 'logs', 'canton.log'), `${'x'.repeat(50_000)}\n`)
    const r = await call('logs:tail', {})
    expect(r.ok && r.data.lines[0]!.msg.length).toBe(4000)
    const bad = await call('logs:tail', { lines: 100_000 } as never)
    expect(bad).toMatchObject({ ok: false, error: { code: 'USER_INPUT' } })
    const level = await call('logs:tail', { level: 'loud' } as never)
    expect(level).toMatchObject({ ok: false, error: { code: 'USER_INPUT' } })
  })
})

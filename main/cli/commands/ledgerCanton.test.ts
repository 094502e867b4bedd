import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { stopRecordedSandbox } from '../../ledger/canton/sandbox/manager'
import { runnerFor } from './cliTestKit'

const STAND_IN = fileURLToPath(new URL('../../ledger/canton/sandbox/testing/canton', import.meta.url))
const homes: string[] = []
afterEach(async () => { for (const h of homes.splice(0)) await stopRecordedSandbox(h) })

function setup(withCanton: boolean) {
  const home = mkdtempSync(join(tmpdir(), 'p2e-cli-canton-'))
  homes.push(home)
  const dar = join(home, 'model.dar')
  writeFileSync(dar, 'dar')
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, P2ENGINE_HOME: home, P2ENGINE_DAR: dar, P2ENGINE_SKIP_JAVA_CHECK: '1' }
  if (withCanton) env.CANTON_BIN = STAND_IN
  else env.PATH = ''
  const run = (...argv: string[]) => runnerFor(env)(argv)
  return { home, run }
}

describe('p2engine ledger canton …', () => {
  it('without Canton: start says what to install and exits non-zero; the embedded ledger still works', async () => {
    const { run } = setup(false)
    const r = await run('ledger', 'canton', 'start')
    expect(r.code).toBe(4)
    expect(r.err).toContain('Canton was not found')
    expect(r.err).toContain('CANTON_HOME')
    expect((await run('ledger', 'canton', 'status')).out).toContain('No managed Canton sandbox is running')
    expect((await run('ledger', 'init', '--json')).code).toBe(0)
  })

  it('start → wallets on canton → transfer → migrate to embedded → stop', async () => {
    const { run } = setup(true)
    const started = await run('ledger', 'canton', 'start', '--json')
    expect(started).toMatchObject({ code: 0, err: '' })
    const info = JSON.parse(started.out) as { jsonApiUrl: string; wallets: Array<{ agent: string; balance: string }> }
    expect(info.wallets.length).toBeGreaterThan(0)
    expect((await run('ledger', 'canton', 'status', '--json')).out).toContain('"ready": true')

    const agents = info.wallets.map((w) => w.agent)
    const t = await run('--ledger-backend', 'canton', 'ledger', 'transfer', agents[0]!, agents[1]!, '7.5', '--command-id', 'cli-1', '--json')
    expect(t.code).toBe(0)
    expect(JSON.parse(t.out)).toMatchObject({ commandId: 'cli-1', deduplicated: false })
    const audit = await run('--ledger-backend', 'canton', 'ledger', 'audit', '--json')
    expect(audit.code).toBe(0)

    const m = await run('ledger', 'migrate', '--to', 'embedded', '--json')
    expect(m.code).toBe(0)
    expect((JSON.parse(m.out) as Array<{ status: string }>).every((r) => r.status === 'migrated')).toBe(true)
    const balances = JSON.parse((await run('ledger', 'balance', '--json')).out) as Array<{ agent: string; balance: string }>
    expect(balances.find((b) => b.agent === agents[0])?.balance).toBe(JSON.parse(t.out).fromBalance)
    const embeddedAudit = JSON.parse((await run('ledger', 'audit', '--type', 'wallet_migrated', '--json')).out) as { events: unknown[]; invariants: { ok: boolean } }
    expect(embeddedAudit.invariants.ok).toBe(true)
    expect(embeddedAudit.events).toHaveLength(agents.length)

    expect((await run('ledger', 'canton', 'logs', '-n', '5')).out).toContain('Canton sandbox is ready.')
    expect((await run('ledger', 'canton', 'stop')).out).toContain('Stopped the Canton sandbox')
    expect((await run('ledger', 'canton', 'status')).out).toContain('No managed Canton sandbox is running')
  })
})

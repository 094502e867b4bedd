import { existsSync, statSync, truncateSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from './cliTestKit'

let env: CliEnv | undefined
let server: Server | undefined
afterEach(async () => {
  env?.cleanup()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  server = undefined
})

const balances = async (e: CliEnv) => JSON.parse((await e.run(['ledger', 'balance', '--json'])).out) as unknown
const conversationNames = async (e: CliEnv) => (JSON.parse((await e.run(['conversation', 'list', '--json'])).out) as { name: string }[]).map((c) => c.name).sort()

describe('p2engine backup / restore', () => {
  it('round trip: money and conversations survive backup → change → restore', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    expect((await env.run(['chat', 'with', 'agent_alpha', '--name', 'kept'], { input: ['hi'] })).code).toBe(0)
    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '5'])).code).toBe(0)
    const before = { money: await balances(env), conversations: await conversationNames(env) }
    const file = join(env.root, 'p2.backup')
    const b = await env.run(['backup', file])
    expect(b.code).toBe(0)
    expect(b.lines[0]).toMatch(new RegExp(`^Backed up .*p2engine\\.db to ${file} \\(\\d+\\.\\d KB\\): 1 conversation, \\d+ wallets, 0 rollouts, \\d+ ledger transactions\\.$`))

    expect((await env.run(['ledger', 'transfer', 'agent_beta', 'agent_alpha', '20'])).code).toBe(0)
    expect((await env.run(['chat', 'with', 'agent_beta', '--name', 'later'], { input: ['hi'] })).code).toBe(0)
    expect(await conversationNames(env)).toEqual(['kept', 'later'])

    const r = await env.run(['restore', file, '--yes'])
    expect(r.code).toBe(0)
    expect(r.lines[0]).toMatch(/^Restored .*p2engine\.db from .*p2\.backup: 1 conversation/)
    const kept = /kept as (.*\.before-restore-[0-9TZ-]+)\.$/.exec(r.out)![1]!
    expect(existsSync(kept)).toBe(true)
    expect({ money: await balances(env), conversations: await conversationNames(env) }).toEqual(before)
  })

  it('backup refuses an existing file unless --force; restore asks first and a "no" changes nothing', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const file = join(env.root, 'b.db')
    expect((await env.run(['backup', file])).code).toBe(0)
    const again = await env.run(['backup', file])
    expect([again.code, again.err]).toEqual([2, `error: ${file} already exists; choose another name or pass --force to overwrite it`])
    expect((await env.run(['backup', file, '--force'])).code).toBe(0)
    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '5'])).code).toBe(0)
    const money = await balances(env)
    const no = await env.run(['restore', file], { input: ['n'] })
    expect([no.code, no.err]).toEqual([1, 'Restore cancelled; nothing was changed (pass --yes to skip this question).'])
    expect(await balances(env)).toEqual(money)
    expect((await env.run(['restore', file], { input: ['y'] })).code).toBe(0)
    expect(await balances(env)).not.toEqual(money)
  })
})

describe('p2engine doctor', () => {
  it('healthy: exit 0 and every check ok; a damaged database: exit 1, reported in the table and in --json', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const ok = await env.run(['doctor'])
    expect(ok.code).toBe(0)
    for (const check of ['config', 'database', 'integrity', 'schema version', 'write-ahead log', 'free disk space', 'permissions', 'canton', 'redis']) {
      expect(ok.out).toMatch(new RegExp(`│ ${check} +│ ✓ ok`))
    }
    expect(ok.lines.at(-1)).toBe('All checks passed.')
    const file = join(env.env.P2ENGINE_HOME!, 'p2engine.db')
    truncateSync(file, Math.floor(statSync(file).size / 2))
    const bad = await env.run(['doctor'])
    expect(bad.code).toBe(1)
    expect(bad.out).toMatch(/│ integrity +│ ✗ fail/)
    const json = JSON.parse((await env.run(['doctor', '--json'])).out) as { ok: boolean; checks: { check: string; status: string }[] }
    expect(json.ok).toBe(false)
    expect(json.checks.find((c) => c.check === 'integrity')!.status).toBe('fail')
  })

  it('checks Redis when REDIS_URL is set (PING over TCP)', async () => {
    server = createServer((socket) => socket.on('data', (d) => { if (String(d).includes('PING')) socket.write('+PONG\r\n') }))
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    env = cliEnv()
    env.env.REDIS_URL = `redis://127.0.0.1:${(server.address() as AddressInfo).port}`
    const r = JSON.parse((await env.run(['doctor', '--json'])).out) as { checks: { check: string; status: string; detail: string }[] }
    expect(r.checks.find((c) => c.check === 'redis')).toEqual({ check: 'redis', status: 'ok', detail: expect.stringMatching(/answered PONG/) })
  })
})

import { chmodSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv, type RunResult } from './cliTestKit'

let env: CliEnv | undefined
afterEach(() => env?.cleanup())

/** Exactly one `error:` line and no stack trace. */
function oneErrorLine(err: string): string {
  const lines = err.split('\n').filter((l) => l.startsWith('error:'))
  expect(lines).toHaveLength(1)
  expect(err).not.toMatch(/\n\s+at |internal error/)
  return lines[0]!
}

const dbOf = (e: CliEnv): string => join(e.env.P2ENGINE_HOME!, 'p2engine.db')

/**
 * Runs `fn` as a user who does not own the state folder: root ignores file modes, so as root the
 * effective user id of this test process becomes nobody's for the duration (and back after);
 * otherwise this user, after the test's chmod a-w, already cannot write.
 */
async function asOtherUser<T>(fn: () => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) return fn()
  process.setegid!(65534)
  process.seteuid!(65534)
  try {
    return await fn()
  } finally {
    process.seteuid!(0)
    process.setegid!(0)
  }
}

describe('storage faults on the command line: named error, exit 8, no stack trace', () => {
  it('a truncated database (cut to half its size) makes `ledger balance` say it is damaged and what to do', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const size = statSync(dbOf(env)).size
    expect(size).toBeGreaterThan(16_384)
    truncateSync(dbOf(env), Math.floor(size / 2))
    const r = await env.run(['ledger', 'balance'])
    expect(r.code).toBe(8)
    const line = oneErrorLine(r.err)
    expect(line).toContain(`the database ${dbOf(env)} is damaged`)
    expect(line).toMatch(/p2engine doctor.*p2engine restore FILE/)
  })

  it('a zero-byte database is refused (no second minting); deleting it starts fresh', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    writeFileSync(dbOf(env), '')
    utimesSync(dbOf(env), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000)) // not one being created right now
    const r = await env.run(['ledger', 'init'])
    expect(r.code).toBe(8)
    expect(oneErrorLine(r.err)).toMatch(/exists but is empty \(0 bytes\).*restore.*delete the empty file/)
    expect(statSync(dbOf(env)).size).toBe(0)
    rmSync(dbOf(env))
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
  })
})

describe('a database this user cannot write', () => {
  let ro: CliEnv
  beforeAll(async () => {
    ro = cliEnv()
    expect((await ro.run(['ledger', 'init'])).code).toBe(0)
    expect((await ro.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '7', '--reason', 'before'])).code).toBe(0)
    // Readable, not writable, for the other user (root owns everything; without root: a-w).
    chmodSync(ro.root, 0o755)
    chmodSync(join(ro.root, 'empty.env'), 0o644)
    chmodSync(ro.env.P2ENGINE_HOME!, 0o555)
    chmodSync(dbOf(ro), 0o444)
  })
  afterAll(() => {
    chmodSync(ro.env.P2ENGINE_HOME!, 0o700)
    ro.cleanup()
  })

  it('reading commands work (opened read-only, a note on stderr)', async () => {
    const runs = await asOtherUser(async () => [
      await ro.run(['ledger', 'balance', '--json']),
      await ro.run(['ledger', 'history']),
      await ro.run(['conversation', 'list']),
    ])
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0])
    const [balance, history, conversations] = runs as [RunResult, RunResult, RunResult]
    expect(balance.out).toContain('"agent_alpha"')
    expect(history.out).toContain('before')
    expect(conversations.out).toContain('No active conversations.')
    for (const r of runs) expect(r.err).toBe(`ℹ️  the database ${dbOf(ro)} is read-only for this user: opened for reading; commands that change data will fail`)
  })

  it('doctor works on it: integrity ok, the permissions row warns that it is not writable', async () => {
    const r = await asOtherUser(() => ro.run(['doctor', '--json']))
    expect(r.code).toBe(0)
    const checks = (JSON.parse(r.out) as { checks: { check: string; status: string; detail: string }[] }).checks
    expect(checks.find((c) => c.check === 'integrity')).toEqual({ check: 'integrity', status: 'ok', detail: 'integrity_check: ok' })
    expect(checks.find((c) => c.check === 'permissions')).toEqual({ check: 'permissions', status: 'warn', detail: expect.stringMatching(/they belong to another user.*; not writable for this user: .*\(reading commands only\)$/) })
  })

  it('a changing command fails with STORAGE_READONLY naming the file, exit 8, nothing changed', async () => {
    const r = await asOtherUser(() => ro.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '1']))
    expect(r.code).toBe(8)
    expect(oneErrorLine(r.err)).toContain(`cannot change the database ${dbOf(ro)}: it is read-only for this user`)
    expect(JSON.parse((await ro.run(['ledger', 'history', '--json'])).out)).toHaveLength(1)
  })
})

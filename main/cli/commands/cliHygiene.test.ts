import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cliEnv, type CliEnv } from './cliTestKit'

let env: CliEnv | undefined
afterEach(() => {
  env?.cleanup()
  vi.unstubAllEnvs()
})

/** Clears the screen, then turns the text red: must never reach the terminal raw. */
const EVIL = '\u001b[2J\u001b[31mpwned'
const ESC = '\u001b'

/** One `error:` line, no stack trace. */
function oneErrorLine(err: string): void {
  expect(err.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1)
  expect(err).not.toMatch(/\n\s+at |internal error/)
}

describe('CLI input hygiene: control characters are escaped on output, stored exactly', () => {
  it('ledger history shows a reason with ESC sequences escaped; --json keeps the exact stored string', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '5', '--reason', EVIL])).code).toBe(0)
    for (const argv of [['ledger', 'history'], ['ledger', 'history', 'agent_alpha'], ['ledger', 'audit']]) {
      const r = await env.run(argv)
      expect(r.code).toBe(0)
      expect(r.out).not.toContain(ESC)
      expect(r.out.replace(/\s+/g, '')).toContain('\\e[2J\\e[31mpwned')
    }
    const json = await env.run(['ledger', 'history', '--json'])
    expect((JSON.parse(json.out) as { reason: string }[])[0]!.reason).toBe(EVIL)
  })

  it('conversation list shows a name with ESC escaped; --json keeps it exact', async () => {
    vi.stubEnv('COLUMNS', '200')
    env = cliEnv()
    const name = `x${ESC}]0;owned${'\u0007'}${ESC}[2J`
    expect((await env.run(['chat', 'with', 'agent_alpha', '--name', name], { input: ['hi'] })).code).toBe(0)
    const r = await env.run(['conversation', 'list'])
    expect(r.code).toBe(0)
    expect(r.out).not.toContain(ESC)
    expect(r.out).not.toContain('\u0007')
    expect(r.out.replace(/\s+/g, '')).toContain('x\\e]0;owned\\x07\\e[2J')
    const json = JSON.parse((await env.run(['conversation', 'list', '--json'])).out) as { name: string }[]
    expect(json.map((c) => c.name)).toEqual([name])
  })

  it('error messages quoting input are escaped too (the CLI\'s own and commander\'s)', async () => {
    env = cliEnv()
    for (const argv of [['conversation', 'stack', `nobody${EVIL}`], ['ledger', 'history', '--limit', `1${EVIL}`]]) {
      const r = await env.run(argv)
      expect(r.code).toBe(2)
      oneErrorLine(r.err)
      expect(r.err).not.toContain(ESC)
      expect(r.err).toContain('\\e[2J\\e[31mpwned')
    }
  })
})

describe('CLI option validation: named errors, exit 2, no stack', () => {
  it('--limit beyond 1,000,000 is refused with a named error', async () => {
    env = cliEnv()
    for (const argv of [['ledger', 'history', '--limit', '99999999999999999999'], ['ledger', 'audit', '--limit', '1000001']]) {
      const r = await env.run(argv)
      expect(r.code).toBe(2)
      oneErrorLine(r.err)
      expect(r.err).toMatch(/--limit must be at most 1,000,000/)
    }
    expect((await env.run(['ledger', 'history', '--limit', '1000000'])).code).toBe(0)
  })

  it('--home that is a file is refused with a named error', async () => {
    env = cliEnv()
    const file = join(env.root, 'not-a-folder')
    writeFileSync(file, 'x')
    for (const home of ['/etc/passwd', file]) {
      const r = await env.run(['--home', home, 'ledger', 'history'])
      expect(r.code).toBe(2)
      oneErrorLine(r.err)
      expect(r.err).toContain(`--home "${home}" is a file, not a folder`)
    }
  })
})

describe('ledger init again', () => {
  it("shows each existing wallet's current balance, not its first version's", async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '25'])).code).toBe(0)
    const rows = JSON.parse((await env.run(['ledger', 'init', '--json'])).out) as { agent: string; status: string; balance: string }[]
    const balance = (a: string) => rows.find((r) => r.agent === a)
    expect(balance('agent_alpha')).toMatchObject({ status: 'exists', balance: expect.stringMatching(/^75(\.0+)?$/) })
    expect(balance('agent_beta')).toMatchObject({ status: 'exists', balance: expect.stringMatching(/^125(\.0+)?$/) })
    const text = await env.run(['ledger', 'init'])
    expect(text.lines.find((l) => l.includes('agent_alpha'))).toContain('75.00')
    expect(text.lines.find((l) => l.includes('agent_beta'))).toContain('125.00')
  })
})

import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { serveRelease, sha256Of, standInRelease } from '../../ledger/canton/install/testing/standInRelease'
import { runnerFor } from './cliTestKit'

const closers: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of closers.splice(0)) await c() })

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'p2e-cli-install-'))
  const env: NodeJS.ProcessEnv = { PATH: '', P2ENGINE_HOME: home }
  const run = (...argv: string[]) => runnerFor(env)(argv)
  return { home, run }
}

describe('p2engine ledger canton install', () => {
  it('installs from a mirror with a digest, says how to get Java, and start then finds it', async () => {
    const body = await standInRelease('9.9.9')
    const s = await serveRelease(body)
    closers.push(s.close)
    const { home, run } = setup()
    const r = await run('ledger', 'canton', 'install', '--version', '9.9.9', '--url', s.url, '--sha256', sha256Of(body))
    expect(r.code).toBe(0)
    expect(r.err).toContain(`expected SHA-256 ${sha256Of(body)} (overridden)`)
    expect(r.err).toContain('Verifying SHA-256…')
    expect(r.out).toContain('✓ Installed Canton 9.9.9')
    expect(r.out).toContain('sudo apt-get install openjdk-17-jre-headless')
    expect(r.out).toContain('brew install openjdk@17')
    expect(r.out).toContain('winget install EclipseAdoptium.Temurin.17.JRE')
    const list = JSON.parse((await run('ledger', 'canton', 'install', '--list', '--json')).out)
    expect(list.installed).toEqual([{ version: '9.9.9', dir: join(home, 'canton', '9.9.9'), bin: join(home, 'canton', '9.9.9', 'bin', 'canton') }])
    // start finds the install (and then stops at the missing Java, not at "Canton was not found").
    const start = await run('ledger', 'canton', 'start')
    expect(start.code).toBe(4)
    expect(start.err).toContain('Canton needs Java 17 or newer')
  })

  it('a wrong digest exits non-zero with a named error and leaves nothing; bad options are named', async () => {
    const body = await standInRelease('9.9.9')
    const s = await serveRelease(body)
    closers.push(s.close)
    const { home, run } = setup()
    const r = await run('ledger', 'canton', 'install', '--version', '9.9.9', '--url', s.url, '--sha256', '0'.repeat(64), '--json')
    expect(r.code).toBe(4)
    expect(r.err).toContain(`has SHA-256 ${sha256Of(body)}, expected ${'0'.repeat(64)}; nothing was installed`)
    expect(existsSync(join(home, 'canton')) ? readdirSync(join(home, 'canton')) : []).toEqual([])
    const bad = await run('ledger', 'canton', 'install', '--sha256', 'abc')
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining('--sha256 "abc" is not a SHA-256 digest') })
  })
})

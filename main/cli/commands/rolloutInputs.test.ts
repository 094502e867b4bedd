import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ALIAS_BOMB, GRID_BOMB } from '../../engine/testing/inputBombs'
import { cliEnv, type CliEnv } from './cliTestKit'

let c: CliEnv
afterEach(() => c?.cleanup())

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at |INTERNAL|internal error|bug/i)

describe('rollout start refuses inputs that would hang or exhaust the process', () => {
  it('a 10^8-variant grid is refused before expanding, naming the team and the product', async () => {
    c = cliEnv()
    const spec = join(c.root, 'grid.yml')
    writeFileSync(spec, GRID_BOMB)
    const t0 = Date.now()
    const r = await c.run(['rollout', 'start', spec, '--show-config'])
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(r.code).toBe(3)
    expect(r.err).toContain('team grid_team expands to 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 = 100,000,000 variants, over the limit of 10,000 (raise it with --max-variants N)')
    noStack(r.err)
    // The cap is a flag: a 4 × 3 grid passes 12 and is refused at 11.
    writeFileSync(spec, GRID_BOMB.split('\n').slice(0, 7).join('\n').replace(/\[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\]/, '[0, 1, 2, 3]').replace(/k1: \[[^\]]*\]/, 'k1: [0, 1, 2]') + '\n')
    const ok = await c.run(['rollout', 'start', spec, '--show-config', '--max-variants', '12'])
    expect([ok.code, (JSON.parse(ok.out) as { variants: unknown[] }).variants.length]).toEqual([0, 12])
    const over = await c.run(['rollout', 'start', spec, '--show-config', '--max-variants', '11'])
    expect([over.code, over.err]).toEqual([3, expect.stringContaining('expands to 4 × 3 = 12 variants, over the limit of 11')])
  })

  it('/dev/zero and a 6 MB file are refused by name, size and limit, without reading them', async () => {
    c = cliEnv()
    const zero = await c.run(['rollout', 'start', '/dev/zero'])
    expect(zero.code).toBe(3)
    expect(zero.err).toContain('/dev/zero: is not a regular file (a device, pipe or socket)')
    const big = join(c.root, 'big.yml')
    writeFileSync(big, `teams: {}\n${'#'.repeat(6 * 1024 * 1024)}\n`)
    const r = await c.run(['rollout', 'start', big])
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/big\.yml: is 6(\.0)? MB, over the limit of 5 MB for input files/)
    noStack(zero.err + r.err)
  })

  it('config files go through the same guard: a .env that is /dev/zero is a config error', async () => {
    c = cliEnv()
    c.env.DOTENV_PATH = '/dev/zero'
    const r = await c.run(['config', 'show'])
    expect(r.code).toBe(3)
    expect(r.err).toContain('/dev/zero: is not a regular file')
    noStack(r.err)
  })

  it('a YAML alias bomb is a named config error (exit 3), not an internal bug', async () => {
    c = cliEnv()
    const spec = join(c.root, 'bomb.yml')
    writeFileSync(spec, ALIAS_BOMB)
    const r = await c.run(['rollout', 'start', spec])
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/bomb\.yml: YAML aliases \(\*name\) expand to too many nodes .*alias bomb/)
    noStack(r.err)
  })
})

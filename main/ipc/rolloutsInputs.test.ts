import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALIAS_BOMB, GRID_BOMB } from '../engine/testing/inputBombs'
import type { MapTransport } from './register'
import { rolloutsHarness, typed } from './rolloutsTestKit'

let dir: string
let transport: MapTransport

let h: ReturnType<typeof rolloutsHarness>
beforeEach(() => {
  h = rolloutsHarness()
  ;({ dir, transport } = h)
})
afterEach(() => h.close())

describe('rollouts handlers refuse hostile inputs with named errors', () => {
  it('rollouts:validate: a 10^8-variant grid names the team and the product, quickly', async () => {
    const t0 = Date.now()
    const r = await typed(transport)('rollouts:validate', { yaml: GRID_BOMB, fileName: 'grid.yml' })
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(r).toEqual({
      ok: true,
      data: {
        ok: false, file: 'grid.yml', teams: [], variants: [],
        errors: [expect.objectContaining({ file: 'grid.yml', team: 'grid_team', key: 'teams.grid_team.variants', message: expect.stringContaining('expands to 10 × 10 × 10 × 10 × 10 × 10 × 10 × 10 = 100,000,000 variants, over the limit of 10,000') })],
      },
    })
    const start = await typed(transport)('rollouts:start', { yaml: GRID_BOMB, fileName: 'grid.yml' })
    expect(start).toEqual({ ok: false, error: { code: 'ROLLOUT_SPEC', message: expect.stringContaining('100,000,000 variants') } })
  })

  it('rollouts:validate: an alias bomb is a YAML problem of the file, not INTERNAL', async () => {
    const r = await typed(transport)('rollouts:validate', { yaml: ALIAS_BOMB, fileName: 'bomb.yml' })
    expect(r).toEqual({ ok: true, data: { ok: false, file: 'bomb.yml', teams: [], variants: [], errors: [expect.objectContaining({ file: 'bomb.yml', message: expect.stringMatching(/^YAML aliases .*alias bomb/) })] } })
  })

  it('rollouts:start by path: /dev/zero and a 6 MB file are refused by name, size and limit', async () => {
    expect(await typed(transport)('rollouts:start', { path: '/dev/zero' })).toEqual({ ok: false, error: { code: 'ROLLOUT_SPEC', message: '/dev/zero: is not a regular file (a device, pipe or socket); expected a YAML/JSON/.env file' } })
    const big = join(dir, 'big.yml')
    writeFileSync(big, `teams: {}\n${'#'.repeat(6 * 1024 * 1024)}\n`)
    expect(await typed(transport)('rollouts:start', { path: big })).toEqual({ ok: false, error: { code: 'ROLLOUT_SPEC', message: expect.stringMatching(/big\.yml: is 6(\.0)? MB, over the limit of 5 MB for input files$/) } })
  })

  it('maxVariants raises or lowers the cap through IPC', async () => {
    const small = GRID_BOMB.split('\n').slice(0, 6).join('\n').replace(/\[0, 1, 2, 3, 4, 5, 6, 7, 8, 9\]/, '[0, 1, 2]') + '\n'
    const ok = await typed(transport)('rollouts:validate', { yaml: small, fileName: 'g.yml' })
    expect(ok.ok && ok.data.variants.length).toBe(3)
    const low = await typed(transport)('rollouts:validate', { yaml: small, fileName: 'g.yml', maxVariants: 2 })
    expect(low.ok && low.data.errors.map((e) => e.message)).toEqual([expect.stringContaining('expands to 3 variants, over the limit of 2')])
  })
})

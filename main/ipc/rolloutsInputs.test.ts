import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../workers/runVariant'
import { contract, type Envelope, type EventPayload, type InvokeChannel, type InvokeInput, type InvokeOutput } from '../../preload/contract'
import { RolloutService } from '../app/rollouts/rolloutService'
import { loadConfig } from '../engine/config/load'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import { ALIAS_BOMB, GRID_BOMB } from '../engine/testing/inputBombs'
import { EventBus } from './eventBus'
import { rolloutsHandlers } from './rollouts'
import { MapTransport, registerHandlers } from './register'

/** A typed call through the transport. */
const typed = (t: MapTransport) => <C extends InvokeChannel>(c: C, input: InvokeInput<C>) => t.invoke(c, input) as Promise<Envelope<InvokeOutput<C>>>

let dir: string
let store: SqliteStore
let service: RolloutService
let transport: MapTransport
let progress: EventPayload<'rollouts:progressed'>[]

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-ipc-ro-'))
  store = openStore(join(dir, 'p2engine.db'))
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '' }
  const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const bus = new EventBus()
  progress = []
  bus.on('rollouts:progressed', (p) => progress.push(p))
  // Variants run inline (same code as the piscina worker) with the offline scripted model.
  service = new RolloutService({
    config, store, ledger, env, toolNames: () => builtinRegistry().names(),
    publish: (p) => void bus.publish('rollouts:progressed', p),
    pool: () => ({ run: (task) => runVariant(task), close: async () => {} }),
  })
  transport = new MapTransport()
  const handlers = rolloutsHandlers({ config, ledger, rollouts: service, app: { name: 'P2Engine', version: '0', host: 'browser' } }, bus)
  registerHandlers({ invokes: Object.fromEntries(Object.entries(contract.invokes).filter(([k]) => k.startsWith('rollouts:'))), events: contract.events } as never, handlers, transport)
})

afterEach(async () => {
  await service.close()
  await closeThreadContexts()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

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

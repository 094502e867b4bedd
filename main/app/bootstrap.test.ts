import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { isAlive } from '../ledger/canton/sandbox/state'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MapTransport } from '../ipc/register'
import { serveContract } from '../ipc/handlers'
import { bootstrap } from './bootstrap'

const homes: string[] = []
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})

describe('bootstrap', () => {
  it('builds config, store and the embedded ledger under P2ENGINE_HOME and closes them', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-boot-'))
    homes.push(home)
    const runtime = bootstrap({ host: 'electron', configDir: 'config', env: { P2ENGINE_HOME: home } })
    const transport = new MapTransport()
    serveContract(runtime.services, runtime.bus, transport)
    expect(await transport.invoke('app:info', {})).toEqual({
      ok: true,
      data: { name: 'P2Engine', version: expect.stringMatching(/^\d+\.\d+\.\d+/), host: 'electron', home, configDir: resolve('config'), ledgerBackend: 'embedded',
        firstStart: { created: ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child'], balance: '100.0', error: null }, configWarnings: [], ledgerNote: null },
    })
    expect(runtime.store.location).toBe(join(home, 'p2engine.db'))
    await runtime.close()
    await runtime.close()
    expect(runtime.store.db.open).toBe(false)
  })

  it('owns the Canton sandbox it starts: close() stops it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-boot-canton-'))
    homes.push(home)
    writeFileSync(join(home, 'model.dar'), 'dar')
    const env = {
      ...process.env, P2ENGINE_HOME: home, CANTON_BIN: fileURLToPath(new URL('../ledger/canton/sandbox/testing/canton', import.meta.url)),
      P2ENGINE_DAR: join(home, 'model.dar'), P2ENGINE_SKIP_JAVA_CHECK: '1', OPENAI_API_KEY: '',
    }
    const runtime = bootstrap({ host: 'electron', configDir: 'config', env })
    const status = await runtime.services.canton!.start()
    expect(status).toMatchObject({ phase: 'ready', owned: true, backend: 'embedded' })
    expect(isAlive(status.pid!)).toBe(true)
    await runtime.close()
    expect(isAlive(status.pid!)).toBe(false)
  })
})

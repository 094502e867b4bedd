import { mkdtempSync, rmSync } from 'node:fs'
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
      data: { name: 'P2Engine', version: expect.stringMatching(/^\d+\.\d+\.\d+/), host: 'electron', home, configDir: resolve('config'), ledgerBackend: 'embedded' },
    })
    expect(runtime.store.location).toBe(join(home, 'p2engine.db'))
    await runtime.close()
    await runtime.close()
    expect(runtime.store.db.open).toBe(false)
  })
})

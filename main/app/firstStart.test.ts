import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../ipc/eventBus'
import { serveContract } from '../ipc/handlers'
import { testConfig } from '../ipc/fixtures'
import { MapTransport } from '../ipc/register'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { openStore } from '../storage/sqliteStore'
import { hostEngine } from '../web/engineHost'
import { bootstrap } from './bootstrap'
import { createConfiguredWallets } from './firstStart'

const homes: string[] = []
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})
const freshHome = (): string => {
  const home = mkdtempSync(join(tmpdir(), 'p2e-first-'))
  homes.push(home)
  return home
}

/** agents.yml of ./config in file order, then the system agents not already listed. */
const CONFIGURED = ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child']
const env = (home: string) => ({ P2ENGINE_HOME: home, OPENAI_API_KEY: '' })

describe('first start', () => {
  it('creates one wallet per configured agent on an empty home, and nothing on the second start', async () => {
    const home = freshHome()
    const first = bootstrap({ host: 'electron', configDir: 'config', env: env(home) })
    const transport = new MapTransport()
    serveContract(first.services, first.bus, transport)
    const info = await transport.invoke('app:info', {})
    expect(info).toMatchObject({ ok: true, data: { firstStart: { created: CONFIGURED, balance: '100.0', error: null } } })
    const wallets = await transport.invoke('ledger:wallets', {})
    expect(wallets.ok && (wallets.data as { agent: string; balance: string }[]).map((w) => [w.agent, w.balance])).toEqual([...CONFIGURED].sort().map((a) => [a, '100.0']))
    await first.close()

    const second = bootstrap({ host: 'electron', configDir: 'config', env: env(home) })
    expect(await second.services.firstStart).toEqual({ created: [], balance: null, error: null })
    const audit = await second.services.ledger.audit()
    // Nothing minted twice: the supply is exactly one initial balance per configured agent.
    expect([audit.ok, audit.supply, audit.minted, audit.checked.wallets]).toEqual([true, '600.0', '600.0', 6])
    expect((await second.services.ledger.events({ limit: 100 })).filter((e) => e.type === 'wallet_created')).toHaveLength(6)
    await second.close()
  })

  it('leaves a ledger that already has wallets alone', async () => {
    const store = openStore(':memory:')
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::test' })
    await ledger.createWallet({ agent: 'agent_alpha', initialBalance: '5.0', commandId: 'init:agent_alpha' })
    const config = { ...testConfig(), agents: [{ id: 'agent_alpha' }, { id: 'agent_beta' }] } as unknown as Parameters<typeof createConfiguredWallets>[1]
    expect(await createConfiguredWallets(ledger, config)).toEqual({ created: [], balance: null, error: null })
    expect((await ledger.listWallets()).map((w) => [w.agent, w.balance])).toEqual([['agent_alpha', '5.0']])
    await ledger.close()
    store.close()
  })

  it('two hosts starting at once mint each wallet once', async () => {
    const store = openStore(':memory:')
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::test' })
    const config = { ...testConfig(), agents: [{ id: 'agent_alpha' }] } as unknown as Parameters<typeof createConfiguredWallets>[1]
    const [a, b] = await Promise.all([createConfiguredWallets(ledger, config), createConfiguredWallets(ledger, config)])
    expect([...a.created, ...b.created].sort()).toEqual(['agent_alpha', 'agent_helper', 'child', 'treasurer'])
    const audit = await ledger.audit()
    expect([audit.ok, audit.minted, audit.checked.wallets]).toEqual([true, '400.0', 4])
    await ledger.close()
    store.close()
  })

  it('the browser host (`p2engine ui`) creates them too when its caller did not', async () => {
    const home = freshHome()
    const first = bootstrap({ host: 'browser', configDir: 'config', env: env(home) })
    await first.services.firstStart
    await first.close()
    // A second home, served the way `p2engine ui` does: services without a first-start step.
    const other = freshHome()
    const store = openStore(join(other, 'p2engine.db'))
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::default' })
    const config = { ...first.services.config, settings: { ...first.services.config.settings, home: other } }
    const hosted = hostEngine({ config, ledger, app: { name: 'P2Engine', version: '0', host: 'browser' } }, new EventBus())
    expect(await hosted.services.firstStart).toEqual({ created: CONFIGURED, balance: '100.0', error: null })
    expect(await ledger.listWallets()).toHaveLength(6)
    await hosted.close()
    await ledger.close()
    store.close()
  })

  it('creates nothing when the ledger is disabled (LEDGER_ENABLED=false)', async () => {
    const store = openStore(':memory:')
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::test' })
    const base = testConfig()
    const config = { ...base, settings: { ...base.settings, ledger: { ...base.settings.ledger, enabled: false } } }
    expect(await createConfiguredWallets(ledger, config)).toEqual({ created: [], balance: null, error: null })
    expect(await ledger.listWallets()).toEqual([])
    await ledger.close()
    store.close()
  })

  it('reports a failure instead of throwing', async () => {
    const store = openStore(':memory:')
    const ledger = new EmbeddedLedger(store, { party: 'p2engine::test' })
    const config = { ...testConfig(), settings: { ...testConfig().settings, ledger: { ...testConfig().settings.ledger, initialBalance: 'lots' } } }
    const r = await createConfiguredWallets(ledger, config)
    expect(r.created).toEqual([])
    expect(r.error).toMatch(/^could not create the configured wallets: .*lots.*; run `p2engine ledger init`$/)
    await ledger.close()
    store.close()
  })
})

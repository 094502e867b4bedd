import { describe, expect, it } from 'vitest'
import { EventBus } from './eventBus'
import { makeTestServices, testConfig } from './fixtures'
import { serveContract } from './handlers'
import { MapTransport } from './register'

const withLlm = async (llm: { apiBase: string; defaultModel: string; apiKey?: string }) => {
  const services = await makeTestServices()
  const base = testConfig()
  services.config = { ...base, settings: { ...base.settings, llm: { ...base.settings.llm, ...llm } } }
  const transport = new MapTransport()
  serveContract(services, new EventBus(), transport)
  return { transport, close: services.close }
}

describe('app:model', () => {
  it('names the offline scripted model, and why, when no key is configured', async () => {
    const { transport, close } = await withLlm({ apiBase: 'https://api.openai.com/v1', defaultModel: 'openai/gpt-4o' })
    expect(await transport.invoke('app:model', {})).toEqual({
      ok: true,
      data: { model: 'openai/gpt-4o', offline: true, reason: 'no OPENAI_API_KEY and no local server at https://api.openai.com/v1', restartRequired: false },
    })
    await close()
  })

  it('names the real model when a key is configured', async () => {
    const { transport, close } = await withLlm({ apiBase: 'https://api.openai.com/v1', defaultModel: 'openai/gpt-4o-mini', apiKey: 'sk-test-1234' })
    expect(await transport.invoke('app:model', {})).toEqual({
      ok: true,
      data: { model: 'openai/gpt-4o-mini', offline: false, reason: 'OpenAI-compatible endpoint https://api.openai.com/v1', restartRequired: false },
    })
    await close()
  })

  it('says local/scripted was chosen, and explains a bad default model id', async () => {
    const scripted = await withLlm({ apiBase: 'https://api.openai.com/v1', defaultModel: 'local/scripted' })
    expect(await scripted.transport.invoke('app:model', {})).toMatchObject({ ok: true, data: { model: 'local/scripted', offline: true, reason: 'local/scripted was selected' } })
    await scripted.close()
    const bad = await withLlm({ apiBase: 'https://api.openai.com/v1', defaultModel: 'nope/x' })
    expect(await bad.transport.invoke('app:model', {})).toMatchObject({ ok: true, data: { model: 'nope/x', offline: true, reason: expect.stringContaining('unknown model provider "nope"') } })
    await bad.close()
  })
})

describe('app:info', () => {
  it('carries the ignored-settings warnings and the ledger-disabled note, so the app shows what the CLI prints', async () => {
    const services = await makeTestServices()
    const base = testConfig()
    const warning = 'REDIS_HOST (.env) is ignored: P2Engine keeps its state in SQLite under P2ENGINE_HOME and uses no Redis'
    services.config = { ...base, warnings: [warning], settings: { ...base.settings, ledger: { ...base.settings.ledger, enabled: false } }, sources: { ...base.sources, 'ledger.enabled': 'env' } }
    const transport = new MapTransport()
    serveContract(services, new EventBus(), transport)
    expect(await transport.invoke('app:info', {})).toMatchObject({
      ok: true,
      data: { configWarnings: [warning], ledgerNote: 'Ledger disabled (LEDGER_ENABLED=false): agents get no wallet tools and rollouts record no ledger figures.' },
    })
    await services.close()
  })
})

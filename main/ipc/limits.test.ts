import { afterEach, describe, expect, it } from 'vitest'
import { COMMAND_ID_MAX_CHARS, LIST_MAX_ITEMS, NAME_MAX_CHARS, REASON_MAX_CHARS, URL_MAX_CHARS } from '../../preload/contract'
import { EventBus } from './eventBus'
import { serveContract } from './handlers'
import { makeTestServices } from './fixtures'
import { MapTransport } from './register'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

async function serve() {
  const services = await makeTestServices()
  close = services.close
  const transport = new MapTransport()
  serveContract(services, new EventBus(), transport)
  return { transport, services }
}

const x = (n: number) => 'x'.repeat(n)
const pay = { from: 'agent_alpha', to: 'agent_beta', amount: '1' }

describe('IPC input limits and command ids (issue 11)', () => {
  it('answers every over-limit field with USER_INPUT naming the field, and changes nothing', async () => {
    const { transport, services } = await serve()
    const before = await services.ledger.listWallets()
    const cases: [string, unknown, RegExp][] = [
      ['ledger:transfer', { ...pay, reason: x(REASON_MAX_CHARS + 1) }, /^invalid input for ledger:transfer: reason: a reason of at most 1000 characters$/],
      ['ledger:transfer', { ...pay, commandId: x(COMMAND_ID_MAX_CHARS + 1) }, /commandId: a command id of at most 512 characters/],
      ['ledger:transfer', { ...pay, to: x(129) }, /to: an agent id of at most 128 characters/],
      ['ledger:transfer', { ...pay, amount: '1'.repeat(NAME_MAX_CHARS + 1) }, /amount: an amount of at most 200 characters/],
      ['ledger:events', { sinceIso: x(NAME_MAX_CHARS + 1) }, /sinceIso: a time of at most 200 characters/],
      ['branches:checkout', { conversationId: 'c', branch: x(NAME_MAX_CHARS + 1) }, /branch: /],
      ['overrides:set', { conversationId: 'c', patch: { tools: Array.from({ length: LIST_MAX_ITEMS + 1 }, () => 'get_weather') } }, /patch\.tools: at most 200 tools/],
      ['overrides:set', { conversationId: 'c', patch: { model: x(NAME_MAX_CHARS + 1) } }, /patch\.model: /],
      ['settings:set', { baseUrl: `http://${x(URL_MAX_CHARS)}` }, /baseUrl: a URL of at most 2000 characters/],
      ['settings:set', { defaultModel: `a/${x(NAME_MAX_CHARS)}` }, /defaultModel: a model id of at most 200 characters/],
    ]
    for (const [channel, input, message] of cases) {
      const r = await transport.invoke(channel, input)
      expect(r, `${channel} ${JSON.stringify(input).slice(0, 80)}`).toEqual({ ok: false, error: { code: 'USER_INPUT', message: expect.stringMatching(message) } })
    }
    expect(await services.ledger.listWallets()).toEqual(before)
  })

  it('ledger:transfer refuses reserved command ids and reports a reused one with COMMAND_ID_REUSED', async () => {
    const { transport, services } = await serve()
    for (const commandId of ['init:agent_lemy2', 'tc_1', 'cmd-1', 'migrate:x']) {
      expect(await transport.invoke('ledger:transfer', { ...pay, commandId })).toEqual({ ok: false, error: { code: 'RESERVED_COMMAND_ID', message: expect.stringContaining('is reserved') } })
    }
    expect(await transport.invoke('ledger:transfer', { ...pay, commandId: 'X' })).toMatchObject({ ok: true, data: { deduplicated: false } })
    expect(await transport.invoke('ledger:transfer', { ...pay, commandId: 'X' })).toMatchObject({
      ok: true, data: { deduplicated: true, original: { from: 'agent_alpha', to: 'agent_beta', amount: '1.0', reason: 'Manual transfer' } },
    })
    expect(await transport.invoke('ledger:transfer', { ...pay, amount: '2', commandId: 'X' })).toEqual({
      ok: false, error: { code: 'COMMAND_ID_REUSED', message: expect.stringMatching(/NOT applied/) },
    })
    expect((await services.ledger.getWallet('agent_alpha'))?.balance).toBe('99.0')
  })
})

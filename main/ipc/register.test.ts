import { describe, expect, it, vi } from 'vitest'
import { contract, invokeChannels } from '../../preload/contract'
import { AppError } from '../engine/errors'
import { MapTransport, registerHandlers } from './register'

const allHandlers = (impl: (input: unknown) => unknown) => Object.fromEntries(invokeChannels.map((c) => [c, impl]))

describe('registerHandlers', () => {
  it('fails at startup when a handler is missing or unknown', () => {
    const handlers = allHandlers(() => ({}))
    delete handlers['ledger:audit']
    handlers['ledger:bogus'] = () => ({})
    expect(() => registerHandlers(contract, handlers, new MapTransport())).toThrow(
      'IPC contract and handlers disagree: no handler for ledger:audit; handlers for unknown channels ledger:bogus',
    )
  })

  it('maps AppErrors, bugs and contract-breaking outputs to error envelopes', async () => {
    const log = vi.fn()
    const transport = new MapTransport()
    registerHandlers(contract, {
      ...allHandlers(() => ({})),
      'ledger:audit': () => { throw new AppError('NOPE', 'the ledger said no') },
      'ledger:metrics': () => { throw new TypeError('x is undefined') },
      'ledger:status': () => ({ backend: 'paper' }),
    }, transport, { log })
    expect(await transport.invoke('ledger:audit', {})).toEqual({ ok: false, error: { code: 'NOPE', message: 'the ledger said no' } })
    expect(await transport.invoke('ledger:metrics', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Unexpected error in ledger:metrics: x is undefined. This is a bug; the log has details.' },
    })
    const status = await transport.invoke('ledger:status', {})
    expect(status).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('handler for ledger:status returned data that breaks the contract') } })
    expect(log).toHaveBeenCalledTimes(1)
  })
})

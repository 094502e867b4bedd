import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../../shared/client'
import { setClient } from '../../shared/client'
import { resetWalletsStore, startWalletsLiveUpdates } from './store'

/** A fake host: counts ledger reads (one per refresh: `ledger:wallets`), lets the test emit events and finish reads. */
function fakeClient() {
  const listeners = new Map<string, ((p: unknown) => void)[]>()
  let reads = 0
  const pending: (() => void)[] = []
  const answers: Record<string, unknown> = {
    'ledger:metrics': null, 'ledger:audit': null, 'ledger:status': null, 'ledger:history': [], 'ledger:events': [],
  }
  const client = {
    transport: 'ws',
    invoke(channel: string) {
      if (channel === 'ledger:wallets') {
        reads++
        return new Promise((r) => pending.push(() => r([])))
      }
      return Promise.resolve(answers[channel])
    },
    on(event: string, cb: (p: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), cb])
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((x) => x !== cb))
    },
    onConnection: () => () => {},
  }
  setClient(client as unknown as Client)
  const emit = (event: string, payload: unknown) => { for (const cb of listeners.get(event) ?? []) cb(payload) }
  const finish = async () => {
    for (const f of pending.splice(0)) f()
    await new Promise((r) => setTimeout(r, 0))
  }
  return { emit, finish, reads: () => reads, listeners: () => [...listeners.values()].flat().length }
}

const progress = (variant: { status: string } | null, status = 'running') => ({
  rolloutId: 'ro_1', status, counts: { queued: 0, running: 0, done: 0, failed: 0 }, totalTokens: 0, costUsd: 0,
  variant: variant && { team: 't', variantId: 'v', phase: variant.status, totalTokens: null, costUsd: null, score: null, error: null, ...variant },
})

afterEach(() => resetWalletsStore())

describe('wallets live updates', () => {
  it('re-reads on a transfer and on a settled rollout variant (any process), folding a burst into one more read', async () => {
    const host = fakeClient()
    const stop = startWalletsLiveUpdates()
    host.emit('rollouts:progressed', progress({ status: 'running' }))
    host.emit('rollouts:progressed', progress(null, 'running'))
    expect(host.reads()).toBe(0) // a start or a phase moves no money
    host.emit('ledger:transferred', {})
    expect(host.reads()).toBe(1)
    for (let i = 0; i < 5; i++) host.emit('rollouts:progressed', progress({ status: 'done' }))
    host.emit('rollouts:progressed', progress(null, 'done'))
    expect(host.reads()).toBe(1) // the first read is still in flight
    await host.finish()
    expect(host.reads()).toBe(2) // one more for the whole burst
    await host.finish()
    expect(host.reads()).toBe(2)
    stop()
    expect(host.listeners()).toBe(0)
  })
})

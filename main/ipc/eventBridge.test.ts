import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeEventBus } from '../compose/scaleout'
import { startLiveEvents, type LiveEvents } from '../compose/liveEvents'
import { parseRedisUrl } from '../scaleout/redisConfig'
import { hasRedisServer, startRedis, type RedisServer } from '../scaleout/testing/redisServer'
import { bridgeEventBus, isSharedEvent } from './eventBridge'
import { EventBus, type BusEvent } from './eventBus'

const progress = (rolloutId: string, done: number) => ({
  rolloutId, status: 'running' as const, variant: null, counts: { queued: 2 - done, running: 0, done, failed: 0 }, totalTokens: 0, costUsd: 0,
})
const transfer = {
  from: 'agent_alpha', to: 'agent_beta', amount: '1.5', reason: 'test',
  result: { transactionId: 'tx1', commandId: 'c1', recordId: 'r1', fromBalance: '98.5', toBalance: '101.5', deduplicated: false },
}

describe('bridgeEventBus (in-process port)', () => {
  it('shares rollout/ledger/chat events, keeps host-local ones home', async () => {
    expect(['rollouts:progressed', 'ledger:transferred', 'chat:token'].map(isSharedEvent)).toEqual([true, true, true])
    expect(['canton:logged', 'app:toolsReloaded', 'bundles:progressed', 'rollouts:nope', 'x'].map(isSharedEvent)).toEqual([false, false, false, false, false])
    const port = await composeEventBus(undefined)
    const bus = new EventBus(() => {})
    const seen: string[] = []
    await port.subscribe((e) => seen.push(e.name))
    const stop = await bridgeEventBus(bus, port)
    bus.publish('rollouts:progressed', progress('ro_a', 1))
    bus.publish('canton:logged', { lines: ['x'] })
    const local: BusEvent[] = []
    bus.subscribe((e) => local.push(e))
    await new Promise((r) => setTimeout(r, 10))
    // The port's own echo (same origin) is not published back on the bus.
    expect([seen, local]).toEqual([['rollouts:progressed'], []])
    stop()
    await port.close()
  })
})

describe('startLiveEvents with Redis down', () => {
  it('never blocks the host: one line after a while, events stay local, close returns at once', async () => {
    const logs: string[] = []
    const bus = new EventBus(() => {})
    const got: BusEvent[] = []
    bus.subscribe((e) => got.push(e))
    const live = startLiveEvents(bus, { target: parseRedisUrl('redis://:pw@127.0.0.1:1/0', 'test', 'flag'), log: (m) => logs.push(m), slowMs: 100 })
    bus.publish('ledger:transferred', transfer)
    await expect.poll(() => logs).toEqual(['live events: Redis at redis://:***@127.0.0.1:1/0 is not answering yet; events stay in this process until it does'])
    const started = Date.now()
    await live.close()
    expect([got.length, Date.now() - started < 1000]).toEqual([1, true])
  })
})

describe.skipIf(!hasRedisServer())('live events over Redis: two hosts stay in sync, each event once', () => {
  let redis: RedisServer
  const hosts: { bus: EventBus; live: LiveEvents; got: BusEvent[]; logs: string[] }[] = []
  beforeAll(async () => {
    redis = await startRedis()
    for (let i = 0; i < 2; i++) {
      const logs: string[] = []
      const bus = new EventBus((m) => logs.push(m))
      const got: BusEvent[] = []
      bus.subscribe((e) => got.push(e))
      const live = startLiveEvents(bus, { target: parseRedisUrl(redis.url, 'test', 'flag'), log: (m) => logs.push(m), prefix: 'sync' })
      await live.ready
      hosts.push({ bus, live, got, logs })
    }
  }, 15_000)
  afterAll(async () => {
    for (const h of hosts) await h.live.close()
    await redis?.stop()
  })

  it('an event of one host reaches the other once, is not echoed back, and a bad remote payload is dropped', async () => {
    const [a, b] = hosts as [typeof hosts[0], typeof hosts[0]]
    for (let i = 0; i < 5; i++) a.bus.publish('rollouts:progressed', progress('ro_sync', i % 3))
    b.bus.publish('ledger:transferred', transfer)
    a.bus.publish('canton:logged', { lines: ['local only'] })
    await expect.poll(() => b.got.filter((e) => e.name === 'rollouts:progressed').length).toBe(5)
    await expect.poll(() => a.got.filter((e) => e.name === 'ledger:transferred').length).toBe(1)
    // Give a loop time to show itself: counts must stay put.
    await new Promise((r) => setTimeout(r, 300))
    expect(a.got.map((e) => [e.name, e.origin === undefined])).toEqual([
      ...Array.from({ length: 5 }, () => ['rollouts:progressed', true]), ['canton:logged', true], ['ledger:transferred', false],
    ])
    expect(b.got.map((e) => [e.name, e.origin === undefined])).toEqual([
      ['ledger:transferred', true], ...Array.from({ length: 5 }, () => ['rollouts:progressed', false]),
    ])
    expect(b.got.filter((e) => e.name === 'rollouts:progressed').map((e) => (e.payload as { counts: { done: number } }).counts.done)).toEqual([0, 1, 2, 0, 1])
    // A payload that breaks the contract (from a stranger on the channel) never reaches the windows.
    const stranger = await composeEventBus(parseRedisUrl(redis.url, 'test', 'flag'), 'sync')
    await stranger.publish({ name: 'rollouts:progressed', payload: { rolloutId: 1 } })
    await stranger.publish({ name: 'ledger:transferred', payload: transfer })
    await expect.poll(() => a.got.filter((e) => e.name === 'ledger:transferred').length).toBe(2)
    expect(a.got.filter((e) => e.name === 'rollouts:progressed').length).toBe(5)
    expect(a.logs.some((l) => l.startsWith('dropped rollouts:progressed: payload breaks the contract'))).toBe(true)
    await stranger.close()
  })
})

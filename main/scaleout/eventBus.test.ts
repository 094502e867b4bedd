import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeEventBus } from '../compose/scaleout'
import type { EngineEvent } from '../engine/ports/eventBus'
import { parseRedisUrl } from './redisConfig'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

const PROBE = join(import.meta.dirname, 'testing', 'eventProbe.ts')

describe('event bus adapters', () => {
  it('without Redis the composed bus is in-process: subscribers get events, a throwing one does not stop the rest', async () => {
    const bus = await composeEventBus(undefined)
    const got: EngineEvent[] = []
    await bus.subscribe(() => { throw new Error('closed socket') })
    const off = await bus.subscribe((e) => got.push(e))
    await bus.publish({ name: 'rollouts:progressed', payload: { done: 1 } })
    off()
    await bus.publish({ name: 'rollouts:progressed', payload: { done: 2 } })
    expect([bus.kind, got]).toEqual(['in-process', [{ name: 'rollouts:progressed', payload: { done: 1 }, origin: bus.origin }]])
    await bus.close()
  })
})

describe.skipIf(!hasRedisServer())('Redis event bus: events reach a second process', () => {
  let redis: RedisServer
  let child: ChildProcess
  const lines: string[] = []
  const waiters: (() => void)[] = []
  beforeAll(async () => {
    redis = await startRedis()
    child = spawn(process.execPath, ['--import', 'tsx', PROBE, redis.url, 'evt'], { stdio: ['pipe', 'pipe', 'inherit'] })
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l)
      for (const w of waiters.splice(0)) w()
    })
    await until(() => lines.includes('ready'), 9000)
  }, 10_000)
  afterAll(async () => {
    child?.stdin?.end()
    if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r))
    await redis?.stop()
  })
  const until = async (ok: () => boolean, ms = 3000) => {
    const end = Date.now() + ms
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out; child printed: ${lines.join(' | ')}`)
      await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50) })
    }
  }

  it('an event published here is received by the child, and its reply by us (not our own echo twice)', async () => {
    const bus = await composeEventBus(parseRedisUrl(redis.url, 'test', 'flag'), 'evt')
    const got: EngineEvent[] = []
    await bus.subscribe((e) => got.push(e))
    await bus.publish({ name: 'probe:ping', payload: { rolloutId: 'ro_1', done: 3 } })
    await until(() => got.some((e) => e.name === 'probe:pong') && lines.length > 1)
    // The child printed our ping, then its own pong (delivered locally; its Redis echo is skipped).
    expect(lines.filter((l) => l !== 'ready').map((l) => JSON.parse(l) as unknown)).toEqual([
      { name: 'probe:ping', payload: { rolloutId: 'ro_1', done: 3 } },
      { name: 'probe:pong', payload: { rolloutId: 'ro_1', done: 3 } },
    ])
    expect(got.map((e) => [e.name, e.origin === bus.origin])).toEqual([['probe:ping', true], ['probe:pong', false]])
    expect(bus.kind).toBe('redis')
    await bus.close()
  })
})

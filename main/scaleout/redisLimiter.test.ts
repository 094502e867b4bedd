import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { composeModelLimits } from '../compose/scaleout'
import { ProviderError } from '../engine/errors'
import { InProcessSlots } from '../engine/models/inProcessSlots'
import { LimitedProvider } from '../engine/models/limiter'
import type { ConcurrencyPort } from '../engine/ports/concurrency'
import { parseRedisUrl } from './redisConfig'
import { RedisSlots } from './redisLimiter'
import { httpCountingProvider, startCounterServer } from './testing/counterServer'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

const PROBE = join(import.meta.dirname, 'testing', 'limiterProbe.ts')
const ask = { model: 'openai/gpt-4o', messages: [] }

it('without Redis the composed slots are this process\'s own', async () => {
  expect(await composeModelLimits(undefined)).toBeInstanceOf(InProcessSlots)
})

describe.skipIf(!hasRedisServer())('model limits shared through Redis', () => {
  let redis: RedisServer
  let n = 0
  const cleanup: (() => Promise<void> | void)[] = []
  beforeAll(async () => { redis = await startRedis() })
  afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c() })
  afterAll(async () => { await redis?.stop() })

  const slots = async (prefix: string, leaseMs?: number): Promise<ConcurrencyPort> => {
    const s = await composeModelLimits(parseRedisUrl(redis.url, 'test', 'flag'), { prefix, ...(leaseMs ? { leaseMs } : {}) })
    cleanup.push(() => s.close?.())
    return s
  }
  const probe = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, redis.url, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    cleanup.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    const lines: string[] = []
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l))
    const until = async (line: string, ms = 9000) => {
      const end = Date.now() + ms
      while (!lines.some((l) => l.startsWith(line))) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`probe did not print "${line}" (printed: ${lines.join(' | ')})`)
        await new Promise((r) => setTimeout(r, 20))
      }
      return lines.find((l) => l.startsWith(line))!
    }
    return { child, until }
  }

  it('two processes with openai=2 never make more than 2 calls at once in total', async () => {
    const server = await startCounterServer(40)
    cleanup.push(() => server.close())
    const prefix = `lim${n++}`
    const other = probe([prefix, server.url, 'calls', '10', '2'])
    await other.until('ready')
    const here = new LimitedProvider(httpCountingProvider(server.url), { openai: 2 }, await slots(prefix))
    other.child.stdin!.write('go\n')
    const mine = await Promise.all(Array.from({ length: 10 }, () => here.complete(ask)))
    expect(await other.until('done')).toBe('done 10')
    expect([mine.length, server.total(), server.peak()]).toEqual([10, 20, 2])
  }, 20_000)

  it('a 429 in one process halves the limit every process uses; successes raise it again', async () => {
    const server = await startCounterServer(5)
    cleanup.push(() => server.close())
    const prefix = `lim${n++}`
    const a = await slots(prefix)
    const b = (await slots(prefix)) as RedisSlots
    const throttled = new LimitedProvider(httpCountingProvider(`${server.url}/429`), { openai: 4 }, a)
    await expect(throttled.complete(ask)).rejects.toThrow(ProviderError)
    expect(await b.shared('openai', 4)).toEqual({ limit: 2, active: 0 })
    // Process b may now hold 2 slots, not 4: the third waits until one is released.
    const r1 = await b.acquire('openai', 4)
    const r2 = await b.acquire('openai', 4)
    let third = false
    const t = b.acquire('openai', 4).then((r) => { third = true; return r })
    await new Promise((r) => setTimeout(r, 300))
    expect(third).toBe(false)
    r1()
    const r3 = await t
    r2(); r3()
    const fine = new LimitedProvider(httpCountingProvider(server.url), { openai: 4 }, b)
    await fine.complete(ask)
    await fine.complete(ask)
    await new Promise((r) => setTimeout(r, 50))
    expect(await b.shared('openai', 4)).toEqual({ limit: 3, active: 0 })
  }, 20_000)

  it('a holder killed with kill -9 gives its slot back once its lease expires', async () => {
    const prefix = `lim${n++}`
    const here = (await slots(prefix, 1500)) as RedisSlots
    const holder = probe([prefix, 'http://unused', 'hold', '0', '1', '1500'])
    await holder.until('held')
    expect(await here.shared('openai', 1)).toEqual({ limit: 1, active: 1 })
    holder.child.kill('SIGKILL')
    const t0 = Date.now()
    const release = await here.acquire('openai', 1)
    const waited = Date.now() - t0
    release()
    expect(waited).toBeGreaterThan(200)
    expect(waited).toBeLessThan(4000)
  }, 20_000)
})

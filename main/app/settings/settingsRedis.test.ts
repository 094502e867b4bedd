import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bootstrap } from '../bootstrap'
import { EventBus, type BusEvent } from '../../ipc/eventBus'
import { testConfig } from '../../ipc/fixtures'
import { startLiveEvents } from '../../compose/liveEvents'
import { parseRedisUrl } from '../../scaleout/redisConfig'
import { hasRedisServer, startRedis, type RedisServer } from '../../scaleout/testing/redisServer'
import { REDIS_URL_KEY, SettingsService } from './settingsService'
import { MemoryVault, pickVault, type SafeStorageLike } from './vault'

const PW = 'S3cretRedisPw-4242'
const homes: string[] = []
const tempHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'p2e-settings-redis-'))
  homes.push(h)
  return h
}
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true })
})
/** XOR "encryption": the plaintext never appears in the bytes (Electron's safeStorage in the app). */
const safeStorage: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
}

describe('Settings: a Redis URL with a password goes to the vault (issue 14)', () => {
  it('settings.json keeps it masked; the masked URL sent back keeps the stored one; a plain URL clears it', () => {
    const home = tempHome()
    const vault = pickVault(safeStorage, join(home, 'secrets.bin'))
    const svc = new SettingsService(testConfig(home), vault)
    const url = `redis://:${PW}@cache.example:6380/1`
    expect(svc.set({ redisUrl: url }).redisUrl).toBe('redis://:***@cache.example:6380/1')
    const file = readFileSync(join(home, 'settings.json'), 'utf8')
    expect([file.includes(PW), JSON.parse(file).redisUrl]).toEqual([false, 'redis://:***@cache.example:6380/1'])
    expect(readFileSync(join(home, 'secrets.bin')).toString('latin1')).not.toContain(PW)
    expect([vault.get(REDIS_URL_KEY), svc.savedRedisUrl()]).toEqual([url, url])
    // The Settings form sends every field back: the masked URL must not overwrite the password.
    svc.set({ redisUrl: 'redis://:***@cache.example:6380/1', dedupPolicy: 'strict' })
    expect(svc.savedRedisUrl()).toBe(url)
    // Only the host edited, the masked password left as shown: the stored password moves along.
    expect(svc.set({ redisUrl: 'redis://:***@cache2.example:6380/1' }).redisUrl).toBe('redis://:***@cache2.example:6380/1')
    expect(svc.savedRedisUrl()).toBe(`redis://:${PW}@cache2.example:6380/1`)
    svc.set({ redisUrl: 'redis://127.0.0.1:6379' })
    expect([vault.get(REDIS_URL_KEY), svc.savedRedisUrl(), existsSync(join(home, 'secrets.bin'))]).toEqual([undefined, 'redis://127.0.0.1:6379', false])
    svc.set({ redisUrl: '' })
    expect(svc.savedRedisUrl()).toBeUndefined()
  })

  it('moves a plain-text password of an older settings.json into the vault; a lost memory vault is one clear line', () => {
    const home = tempHome()
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ redisUrl: `redis://u:${PW}@h:6379/0` }))
    const vault = new MemoryVault()
    const svc = new SettingsService(testConfig(home), vault)
    svc.secureRedisUrl()
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).not.toContain(PW)
    expect(svc.savedRedisUrl()).toBe(`redis://u:${PW}@h:6379/0`)
    // A new session of the browser host (keys in memory only): the password is gone.
    const later = new SettingsService(testConfig(home), new MemoryVault())
    expect(() => later.savedRedisUrl()).toThrow(`${join(home, 'settings.json')}: redisUrl "redis://u:***@h:6379/0": its password is not in this session's key storage (memory); enter the Redis URL again in Settings`)
  })
})

describe.skipIf(!hasRedisServer())('Settings Redis URL with a password: connection test and the app\'s live events', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis({ password: PW })
  }, 15_000)
  afterAll(async () => {
    await redis?.stop()
  })

  it('Test connection of the masked URL uses the stored password, and the app shares its events over it', async () => {
    const home = tempHome()
    const vault = () => pickVault(safeStorage, join(home, 'secrets.bin'))
    const svc = new SettingsService(testConfig(home), vault())
    const masked = svc.set({ redisUrl: redis.url }).redisUrl
    expect(masked).not.toContain(PW)
    expect(await svc.test('redis', masked)).toMatchObject({ ok: true, url: masked, message: `Redis at 127.0.0.1:${redis.port} answered PONG.` })
    // The app (bootstrap) reads the saved URL with its password from the vault and bridges its bus.
    const other = new EventBus()
    const got: BusEvent[] = []
    other.subscribe((e) => got.push(e))
    const otherLive = startLiveEvents(other, { target: parseRedisUrl(redis.url, 'test', 'flag'), log: () => {} })
    await otherLive.ready
    const runtime = bootstrap({ host: 'electron', configDir: 'config', env: { P2ENGINE_HOME: home }, vault, watchTools: false })
    try {
      // The app subscribes in the background; publish until the other side hears it.
      const progress = { rolloutId: 'ro_app', status: 'running' as const, variant: null, counts: { queued: 1, running: 0, done: 0, failed: 0 }, totalTokens: 0, costUsd: 0 }
      await expect.poll(() => {
        runtime.bus.publish('rollouts:progressed', progress)
        return got.length
      }, { timeout: 5000 }).toBeGreaterThan(0)
      expect(got[0]).toMatchObject({ name: 'rollouts:progressed', payload: progress, origin: expect.any(String) })
      // And the other way: a transfer made elsewhere reaches the app's windows (the bus they listen to).
      const seen: BusEvent[] = []
      runtime.bus.subscribe((e) => seen.push(e))
      const transfer = { from: 'a', to: 'b', amount: '1', reason: 'elsewhere', result: { transactionId: 't', commandId: 'c', recordId: 'r', fromBalance: '0', toBalance: '1', deduplicated: false } }
      other.publish('ledger:transferred', transfer)
      await expect.poll(() => seen.length).toBe(1)
      expect(seen[0]).toMatchObject({ name: 'ledger:transferred', payload: transfer, origin: expect.any(String) })
    } finally {
      await runtime.close()
      await otherLive.close()
    }
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).not.toContain(PW)
    expect(readFileSync(join(home, 'logs', 'app.log'), 'utf8')).not.toContain(PW)
  })
})

import { describe, expect, it } from 'vitest'
import { ConfigError } from '../engine/errors'
import { AppConfigSchema } from '../engine/schema/appConfig'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadedConfig } from '../engine/config/types'
import { maskRedisUrl, redisInputsOf, resolveJobSecret, resolveRedis } from './redisConfig'

const ORIGINAL = { host: 'localhost', port: 6379, db: 0 } // what the original's config.json ships

describe('resolveRedis', () => {
  it('is off with nothing set, and the original host/port/db alone do not switch it on', () => {
    expect(resolveRedis({})).toBeUndefined()
    expect(resolveRedis({ env: { REDIS_URL: '  ' }, file: ORIGINAL })).toBeUndefined()
  })

  it('takes --redis over REDIS_URL over REDIS_HOST/PORT/DB over config.json', () => {
    const env = { REDIS_URL: 'redis://env:6379/1', REDIS_HOST: 'h' }
    const file = { ...ORIGINAL, url: 'redis://file:6379' }
    expect(resolveRedis({ flag: 'redis://flag:7000/2', env, file })).toEqual({ url: 'redis://flag:7000/2', safeUrl: 'redis://flag:7000/2', source: 'flag', tls: false, host: 'flag', port: 7000, db: 2 })
    expect(resolveRedis({ env, file })?.source).toBe('env REDIS_URL')
    expect(resolveRedis({ env: { REDIS_HOST: 'h', REDIS_DB: '3' }, file })).toMatchObject({ url: 'redis://h:6379/3', source: 'env REDIS_HOST/PORT/DB' })
    expect(resolveRedis({ file })).toMatchObject({ url: 'redis://file:6379', source: 'config redis.url', db: 0 })
  })

  it('builds the URL from the original keys when enabled, with password and TLS', () => {
    expect(resolveRedis({ file: { host: 'cache.example', port: 6380, db: 4, enabled: true, password: 'p@ss', tls: true } })).toEqual({
      url: 'rediss://:p%40ss@cache.example:6380/4', safeUrl: 'rediss://:***@cache.example:6380/4', source: 'config redis.host/port/db', tls: true, host: 'cache.example', port: 6380, db: 4,
    })
    expect(resolveRedis({ env: { REDIS_PORT: '6390', REDIS_PASSWORD: 'sec' }, file: ORIGINAL })).toMatchObject({ url: 'redis://:sec@localhost:6390/0', safeUrl: 'redis://:***@localhost:6390/0' })
  })

  it('accepts rediss:// and masks passwords (user kept)', () => {
    expect(resolveRedis({ flag: 'rediss://worker:hunter2@r.example:6380' })).toMatchObject({ tls: true, safeUrl: 'rediss://worker:***@r.example:6380' })
    expect(maskRedisUrl('redis://:topsecret@h:1/0')).toBe('redis://:***@h:1/0')
    expect(maskRedisUrl('redis://h:1')).toBe('redis://h:1')
  })

  it('refuses bad values with one line naming the source, never the password', () => {
    const err = (f: () => unknown) => { try { f() } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message } return 'no error' }
    expect(err(() => resolveRedis({ flag: 'http://:pw@h:1' }))).toBe('--redis: got "http://:***@h:1", expected a redis:// or rediss:// URL')
    expect(err(() => resolveRedis({ env: { REDIS_URL: 'not a url' } }))).toBe('env REDIS_URL: got "not a url", expected a Redis URL like redis://127.0.0.1:6379/0 or rediss://:PASSWORD@host:6380')
    expect(err(() => resolveRedis({ env: { REDIS_PORT: 'abc' } }))).toBe('env REDIS_PORT: got "abc", expected a whole number from 1 to 65535')
    expect(err(() => resolveRedis({ file: { url: 'redis://h/x' } }))).toBe('config.json redis.url: got database "x" in "redis://h/x", expected a number like /0')
  })

  it('the job secret comes from P2ENGINE_JOB_SECRET, else redis.secret, and must be long enough', () => {
    expect(resolveJobSecret({ env: { P2ENGINE_JOB_SECRET: 'x'.repeat(16) }, file: { secret: 'y'.repeat(16) } })).toBe('x'.repeat(16))
    expect(resolveJobSecret({ file: { secret: 'y'.repeat(20) } })).toBe('y'.repeat(20))
    expect(resolveJobSecret({})).toBeUndefined()
    expect(() => resolveJobSecret({ env: { P2ENGINE_JOB_SECRET: 'short' } })).toThrow('env P2ENGINE_JOB_SECRET: got a value shorter than 16 characters')
  })

  it('config.json keeps accepting the original section and the new keys (strict elsewhere)', () => {
    expect(AppConfigSchema.parse({ redis: ORIGINAL }).redis).toEqual(ORIGINAL)
    expect(AppConfigSchema.safeParse({ redis: { ...ORIGINAL, url: 'redis://h', secret: 's'.repeat(16), enabled: true, tls: false } }).success).toBe(true)
    expect(AppConfigSchema.safeParse({ redis: { hots: 'x' } }).success).toBe(false)
  })

  it('.env REDIS_* and P2ENGINE_JOB_SECRET count, the process env winning per key; errors name .env', () => {
    const dotenv = { REDIS_URL: 'redis://:dotpass@dot:6379/1', P2ENGINE_JOB_SECRET: 'd'.repeat(16) }
    expect(resolveRedis({ dotenv })).toMatchObject({ url: 'redis://:dotpass@dot:6379/1', safeUrl: 'redis://:***@dot:6379/1', source: '.env REDIS_URL' })
    expect(resolveRedis({ env: { REDIS_URL: 'redis://env:6379' }, dotenv })).toMatchObject({ source: 'env REDIS_URL', host: 'env' })
    expect(resolveRedis({ dotenv: { REDIS_HOST: 'cache', REDIS_PORT: '6390' }, file: ORIGINAL })).toMatchObject({ url: 'redis://cache:6390/0', source: '.env REDIS_HOST/PORT/DB' })
    // Mixed: env REDIS_PORT wins over the .env one, the host comes from .env.
    expect(resolveRedis({ env: { REDIS_PORT: '7000' }, dotenv: { REDIS_HOST: 'cache', REDIS_PORT: '6390', REDIS_PASSWORD: 'pw' }, file: ORIGINAL }))
      .toMatchObject({ url: 'redis://:pw@cache:7000/0', source: 'env REDIS_HOST/PORT/DB' })
    expect(() => resolveRedis({ dotenv: { REDIS_PORT: 'x' } })).toThrow('.env REDIS_PORT: got "x", expected a whole number from 1 to 65535')
    expect(() => resolveRedis({ dotenv: { REDIS_URL: 'http://:pw@h' } })).toThrow('.env REDIS_URL: got "http://:***@h", expected a redis:// or rediss:// URL')
    expect(resolveJobSecret({ dotenv })).toBe('d'.repeat(16))
    expect(resolveJobSecret({ env: { P2ENGINE_JOB_SECRET: 'e'.repeat(16) }, dotenv })).toBe('e'.repeat(16))
    expect(() => resolveJobSecret({ dotenv: { P2ENGINE_JOB_SECRET: 'short' } })).toThrow('.env P2ENGINE_JOB_SECRET: got a value shorter than 16 characters')
  })

  it('redisInputsOf reads the config folder\'s .env and config.json redis section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-redis-'))
    try {
      writeFileSync(join(dir, '.env'), 'REDIS_HOST=from-dotenv\nP2ENGINE_JOB_SECRET=ssssssssssssssss\n')
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ redis: { ...ORIGINAL, db: 5 } }))
      const config = { files: { agents: '', appConfig: join(dir, 'config.json'), dotenv: join(dir, '.env') } } as unknown as LoadedConfig
      expect(resolveRedis(redisInputsOf(config, {}))).toMatchObject({ url: 'redis://from-dotenv:6379/5', source: '.env REDIS_HOST/PORT/DB' })
      expect(resolveRedis(redisInputsOf(config, { REDIS_HOST: 'from-env' }))).toMatchObject({ host: 'from-env', source: 'env REDIS_HOST/PORT/DB' })
      expect(resolveRedis(redisInputsOf(config, {}, 'redis://flag:1'))?.source).toBe('flag')
      expect(resolveJobSecret(redisInputsOf(config, {}))).toBe('s'.repeat(16))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

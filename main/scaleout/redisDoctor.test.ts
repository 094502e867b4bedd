import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { testRedis } from '../app/settings/connectionTests'
import { SettingsService } from '../app/settings/settingsService'
import { MemoryVault } from '../app/settings/vault'
import { testConfig } from '../ipc/fixtures'
import { cliEnv, type CliEnv } from '../cli/commands/cliTestKit'
import { hasRedisServer, startRedis, type RedisServer } from './testing/redisServer'

type Doctor = { checks: { check: string; status: string; detail: string }[] }

describe.skipIf(!hasRedisServer())('Redis settings against a real redis-server (doctor, connection test)', () => {
  let redis: RedisServer
  let env: CliEnv
  beforeAll(async () => {
    redis = await startRedis({ password: 'pa55word' })
    env = cliEnv()
    await env.run(['doctor', '--json']) // warm-up: the first CLI run loads modules and creates the home
  })
  afterAll(async () => {
    await redis?.stop()
    env?.cleanup()
  })
  const row = async (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
    Object.assign(env.env, extra)
    try {
      const r = await env.run(['doctor', '--json', ...argv])
      return (JSON.parse(r.out) as Doctor).checks.find((c) => c.check === 'redis')
    } finally {
      for (const k of Object.keys(extra)) delete env.env[k]
    }
  }

  it('doctor: not configured is ok; --redis, REDIS_URL and REDIS_HOST/PORT/PASSWORD reach the server; the password is masked', async () => {
    expect(await row([])).toEqual({ check: 'redis', status: 'ok', detail: 'not configured (optional: --redis URL, REDIS_URL, REDIS_HOST or config.json redis.url)' })
    const masked = `redis://:***@127.0.0.1:${redis.port}`
    expect(await row(['--redis', redis.url])).toEqual({ check: 'redis', status: 'ok', detail: `Redis at 127.0.0.1:${redis.port} answered PONG. (${masked}, from flag)` })
    expect((await row([], { REDIS_URL: redis.url }))?.detail).toContain(`(${masked}, from env REDIS_URL)`)
    expect(await row([], { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port), REDIS_PASSWORD: 'pa55word' })).toMatchObject({ status: 'ok', detail: expect.stringContaining('from env REDIS_HOST/PORT/DB') })
    const all = JSON.stringify(await row(['--redis', redis.url]))
    expect(all).not.toContain('pa55word')
  })

  it('doctor: a wrong password warns, a malformed setting fails in one line', async () => {
    expect(await row(['--redis', `redis://:nope@127.0.0.1:${redis.port}`])).toMatchObject({ status: 'warn', detail: expect.stringContaining('refused') })
    expect(await row([], { REDIS_PORT: 'x' })).toEqual({ check: 'redis', status: 'fail', detail: 'env REDIS_PORT: got "x", expected a whole number from 1 to 65535' })
  })

  it('doctor reads config.json redis.url', async () => {
    const dir = join(env.root, 'cfg')
    const { cpSync } = await import('node:fs')
    cpSync(env.configDir, dir, { recursive: true })
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ redis: { host: 'localhost', port: 6379, db: 0, url: redis.url } }))
    expect(await row([], { P2ENGINE_CONFIG_DIR: dir })).toMatchObject({ status: 'ok', detail: expect.stringContaining('from config redis.url') })
    env.env.P2ENGINE_CONFIG_DIR = env.configDir
  })

  it("Settings' connection test goes through the same resolver: a typed URL is checked and masked, a bad one is one line", async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-redis-settings-'))
    try {
      const base = testConfig()
      const svc = new SettingsService({ ...base, settings: { ...base.settings, home } }, new MemoryVault())
      expect(await svc.test('redis', redis.url)).toMatchObject({ target: 'redis', ok: true, url: `redis://:***@127.0.0.1:${redis.port}` })
      expect(await svc.test('redis', 'redis://h/x')).toEqual({ target: 'redis', url: 'redis://h/x', ok: false, ms: 0, message: 'Redis URL: got database "x" in "redis://h/x", expected a number like /0' })
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  it('the connection test masks the URL it reports; restart keeps the port', async () => {
    const r = await testRedis(redis.url)
    expect([r.ok, r.url]).toEqual([true, `redis://:***@127.0.0.1:${redis.port}`])
    await redis.restart()
    expect((await testRedis(redis.url)).ok).toBe(true)
  })
})

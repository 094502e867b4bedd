import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startHostLogging } from './hostLogging'
import { knownSecrets, lineScrubber, scaleOutSecrets } from './redact'
import { testConfig } from '../ipc/fixtures'

const homes: string[] = []
afterEach(() => { for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true }) })

describe('log redaction of scale-out secrets (issue 14)', () => {
  it('a password in a Redis URL is masked even with an empty user name, and the known values anywhere', () => {
    const scrub = lineScrubber([])
    expect(scrub('connecting to redis://:hunter2@cache:6379/0 and rediss://w:pa55@h:6380')).toBe('connecting to redis://:[Redacted]@cache:6379/0 and rediss://w:[Redacted]@h:6380')
    expect(scrub('"url":"redis://:hunter2@cache:6379"')).toBe('"url":"redis://:[Redacted]@cache:6379"')
    const env = { REDIS_URL: 'redis://:url%2Fpass-1@h:1/0', REDIS_PASSWORD: 'short1', P2ENGINE_JOB_SECRET: 'job-secret-0123456789', HOME: '/home/x' }
    expect(scaleOutSecrets(env).sort()).toEqual(['job-secret-0123456789', 'short1', 'url%2Fpass-1', 'url/pass-1'].sort())
    expect(knownSecrets(undefined, env)).toEqual(expect.arrayContaining(['job-secret-0123456789', 'short1', 'url/pass-1']))
  })

  it('the host log never prints REDIS_URL\'s password, REDIS_PASSWORD or P2ENGINE_JOB_SECRET', async () => {
    const home = mkdtempSync(join(tmpdir(), 'p2e-redact-'))
    homes.push(home)
    const env = { REDIS_URL: 'redis://:UrlPassword-777@cache:6379/0', REDIS_PASSWORD: 'EnvPassword-888', P2ENGINE_JOB_SECRET: 'JobSecret-0123456789-999' }
    const logging = startHostLogging({ config: testConfig(home), env, proc: 'cli', version: 'test' })
    // Pasted into messages and fields without a secret-looking name.
    logging.logger.warn('redis said no: UrlPassword-777 / EnvPassword-888', { target: 'cache', detail: 'job signed with JobSecret-0123456789-999', where: 'UrlPassword-777' })
    logging.logger.info('connect', { to: 'redis://:UrlPassword-777@cache:6379/0' })
    await logging.close()
    const text = readFileSync(join(home, 'logs', 'app.log'), 'utf8')
    for (const s of ['UrlPassword-777', 'EnvPassword-888', 'JobSecret-0123456789-999']) expect(text).not.toContain(s)
    expect(text).toContain('redis://:[Redacted]@cache:6379/0')
  })
})

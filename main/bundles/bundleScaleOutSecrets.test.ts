import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, runnerFor, type CliEnv } from '../cli/commands/cliTestKit'
import { unzip } from './read'

const homes: CliEnv[] = []
afterEach(() => {
  for (const h of homes.splice(0)) h.cleanup()
})

describe('scale-out secrets never reach a bundle (issue 14)', () => {
  it('Redis passwords (REDIS_URL, REDIS_PASSWORD, config.json redis.url/password) and the job secret are scrubbed from every byte', async () => {
    const b = cliEnv('\n') // a copy of the shipped config folder, so config.json can carry a redis section
    homes.push(b)
    const urlPass = 'redisUrlPassw0rd-1111'
    const envPass = 'redisEnvPassw0rd-2222'
    const filePass = 'redisFilePassw0rd-3333'
    const fileUrlPass = 'redisFileUrlPassw0rd-4444'
    const jobSecret = 'job-secret-0123456789-5555'
    const fileSecret = 'file-job-secret-0123456789-6666'
    const configJson = join(b.configDir, 'config.json')
    const config = JSON.parse(readFileSync(configJson, 'utf8')) as Record<string, unknown>
    config.redis = { ...(config.redis as object), url: `redis://:${fileUrlPass}@cache.example:6379/0`, password: filePass, secret: fileSecret }
    writeFileSync(configJson, JSON.stringify(config, null, 2))
    writeFileSync(b.env.DOTENV_PATH!, `REDIS_PASSWORD=${envPass}\nP2ENGINE_JOB_SECRET=${jobSecret}\n`)
    const run = runnerFor({ ...b.env, REDIS_URL: `rediss://worker:${urlPass}@redis.example:6380/0` })
    // The secrets also land in the data: a user pastes them into a message.
    const all = [urlPass, envPass, filePass, fileUrlPass, jobSecret, fileSecret]
    expect((await run(['chat', 'with', 'agent_alpha', '--name', 'leaky'], { input: [`redis ${all.join(' and ')} and redis://:${urlPass}@x:1`, 'exit'] })).code).toBe(0)
    const file = join(b.root, 'leaky.p2bundle')
    const r = await run(['bundle', 'export', '--conversation', 'leaky', '--out', file])
    expect([r.code, r.err]).toEqual([0, ''])
    const bytes = readFileSync(file)
    const files = await unzip(bytes, 'leaky')
    for (const secret of all) {
      expect(bytes.includes(secret), secret).toBe(false)
      for (const [name, data] of files) expect(data.includes(secret), `${secret} in ${name}`).toBe(false)
    }
    const bundledConfig = [...files].find(([n]) => n.endsWith('config.json'))
    expect(bundledConfig, 'config.json is bundled (scrubbed)').toBeDefined()
    expect(bundledConfig![1].toString()).toContain('redis://:[Redacted]@cache.example:6379/0')
  })
})

import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, runnerFor, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => env?.cleanup())

const TOOLS = 'check_balance, delegate, get_league_leader, get_weather, reward_agent, search_database, transaction_history, transfer_funds'

describe('agents.yml references are checked by every command that loads the config', () => {
  it('an unknown persona or tool is an error naming file, line, agent and value with the known choices', async () => {
    env = cliEnv('\n  - id: pirate_bot\n    type: llm\n    behavior_template: pirate\n    tools: [get_weather, get_wether]\n')
    const f = join(env.configDir, 'agents.yml')
    const problems = [
      `${f}:44 agents[6].behavior_template: agent pirate_bot: unknown persona "pirate"; known personas: weather_expert (files in ${join(env.configDir, 'templates', 'personas')}/)`,
      `${f}:45 agents[6].tools[1]: agent pirate_bot: unknown tool "get_wether"; known tools: ${TOOLS}`,
    ]
    const validate = await env.run(['config', 'validate'])
    expect([validate.code, validate.out.split('\n').filter((l) => l.startsWith('    ') && !l.startsWith('    ⚠'))]).toEqual([3, problems.map((p) => `    ${p}`)])
    // The same messages refuse any other command, before it does anything.
    for (const argv of [['agent', 'list'], ['chat', 'send', 'x', 'hi'], ['ledger', 'overview']]) {
      const r = await env.run(argv)
      expect([argv.join(' '), r.code, r.out, r.err]).toEqual([argv.join(' '), 3, '', `error: 2 configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`])
    }
  })
})

describe('seed settings that are read but ignored act or are refused', () => {
  it('CONFIG_FILE (the original name) points at config.json like P2ENGINE_CONFIG_PATH; a missing one is an error', async () => {
    env = cliEnv()
    const alt = join(env.root, 'alt.json')
    writeFileSync(alt, '{ "ledger": { "party_id": "p::alt" } }\n')
    writeFileSync(env.env.DOTENV_PATH!, `CONFIG_FILE=${alt}\n`)
    const shown = JSON.parse((await env.run(['config', 'show', '--json'])).out) as { files: { appConfig: string }; settings: { ledger: { partyId: string } } }
    expect([shown.files.appConfig, shown.settings.ledger.partyId]).toEqual([alt, 'p::alt'])
    // P2ENGINE_CONFIG_PATH wins over the alias in the same layer; env wins over .env.
    env.env.CONFIG_FILE = join(env.root, 'none.json')
    const missing = await env.run(['config', 'show'])
    expect([missing.code, missing.err]).toEqual([3, `error: ${join(env.root, 'none.json')}: file not found (named by CONFIG_FILE in env)`])
    env.env.P2ENGINE_CONFIG_PATH = alt
    expect((await env.run(['config', 'show'])).code).toBe(0)
  })

  it('REDIS_* in .env and S3 settings that nothing reads print one warning each, once per process (not per shell command)', async () => {
    env = cliEnv()
    Object.assign(env.env, { REDIS_HOST: 'localhost', S3_BUCKET: 'b', S3_REGION: 'eu' })
    appendFileSync(env.env.DOTENV_PATH!, 'REDIS_PORT=6379\nARTIFACT_DRIVER=fs\n')
    const warnings = [
      // REDIS_HOST in the environment is read (scale-out); REDIS_PORT in .env is not.
      'warning: REDIS_PORT (.env) is ignored: Redis settings are read from the environment, config.json `redis` or --redis, not from .env',
      'warning: S3_REGION (env) is ignored: the S3 settings are S3_BUCKET, S3_PREFIX, S3_THRESHOLD_BYTES and the standard AWS_* variables',
      'warning: S3_BUCKET (env) is ignored: ARTIFACT_DRIVER is not s3, so artifacts are stored in the local database under P2ENGINE_HOME',
    ]
    const shell = await env.run(['shell'], { input: ['agent list', 'conversation list', 'agent list', 'exit'] })
    expect([shell.code, shell.err.split('\n')]).toEqual([0, warnings])
    // The same process and environment: already said.
    const again = await env.run(['agent', 'list'])
    expect([again.code, again.err]).toEqual([0, ''])
    // With the s3 driver the S3 settings are used: nothing to say.
    env = cliEnv()
    Object.assign(env.env, { ARTIFACT_DRIVER: 'S3', S3_BUCKET: 'bkt', S3_PREFIX: 'p/', S3_THRESHOLD_BYTES: '100' })
    expect((await env.run(['agent', 'list'])).err).toBe('')
  })

  it('a bad ARTIFACT_DRIVER, s3 without S3_BUCKET or a bad S3 value is one config error naming the variable (exit 3)', async () => {
    env = cliEnv()
    const cases: [Record<string, string>, string][] = [
      [{ ARTIFACT_DRIVER: 'gcs' }, 'error: env ARTIFACT_DRIVER: got "gcs", expected one of fs, s3'],
      [{ ARTIFACT_DRIVER: 's3' }, 'error: env ARTIFACT_DRIVER: ARTIFACT_DRIVER=s3 needs S3_BUCKET: set it to the bucket that keeps large artifact payloads'],
      [{ ARTIFACT_DRIVER: 's3', S3_BUCKET: 'My_Bucket' }, 'error: env S3_BUCKET: got "My_Bucket", expected an S3 bucket name: 3 to 63 lowercase letters, digits, dots or hyphens'],
      [{ ARTIFACT_DRIVER: 's3', S3_BUCKET: 'bkt', S3_THRESHOLD_BYTES: '64k' }, 'error: env S3_THRESHOLD_BYTES: got "64k", expected a byte count from 0 to 1073741824, like 65536'],
      [{ ARTIFACT_DRIVER: 's3', S3_BUCKET: 'bkt', S3_PREFIX: 'a//b' }, 'error: env S3_PREFIX: got "a//b", expected a key prefix like p2engine/artifacts (no empty path segments)'],
    ]
    for (const [vars, error] of cases) {
      const r = await runnerFor({ ...env.env, ...vars })(['conversation', 'list'])
      expect([vars, r.code, r.err]).toEqual([vars, 3, error])
    }
    appendFileSync(env.env.DOTENV_PATH!, 'ARTIFACT_DRIVER=s3\n')
    const r = await env.run(['conversation', 'list'])
    expect([r.code, r.err]).toEqual([3, `error: ${env.env.DOTENV_PATH}:1 ARTIFACT_DRIVER: ARTIFACT_DRIVER=s3 needs S3_BUCKET: set it to the bucket that keeps large artifact payloads`])
  })
})

import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHIPPED_CONFIG, tempDir } from '../../engine/config/testDirs'
import type { Output } from '../output'
import { runCli } from '../program'

const ANSI = /\u001b\[[0-9;]*m/g

/** Runs the CLI with captured output in an isolated project folder holding a copy of the shipped config. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}, setup?: (project: string) => void) {
  const project = tempDir()
  cpSync(SHIPPED_CONFIG, join(project, 'config'), { recursive: true })
  setup?.(project)
  const out: string[] = []
  const err: string[] = []
  const io: Output = { out: (t) => out.push(t.replace(ANSI, '')), err: (t) => err.push(t.replace(ANSI, '')) }
  const code = await runCli(['--config', join(project, 'config'), ...argv], io, { P2ENGINE_HOME: join(project, 'home'), ...env })
  return { code, out: out.join('\n'), err: err.join('\n'), project }
}

const TOOLS = 'check_balance, delegate, get_league_leader, get_weather, reward_agent, search_database, transaction_history, transfer_funds'

describe('p2engine config validate', () => {
  it('prints ✓ per file for the shipped config and exits 0', async () => {
    const r = await run(['config', 'validate'])
    const cfg = join(r.project, 'config')
    expect(r.code).toBe(0)
    expect(r.out.split('\n')).toEqual([
      `✓ ${cfg}/agents.yml  6 agents`,
      `✓ ${cfg}/tools/  1 custom tool in 1 file`,
      `✓ ${cfg}/config.json  valid`,
      `✓ ${cfg}/demo_rollout.yml  1 team, 2 variants`,
      `✓ ${cfg}/learning_rollout.yml  1 team, 2 variants`,
      // The seed's learning example as written: one warning per unknown tool, one for the inert keys.
      ...['analyze', 'verify'].map((t) => `    ⚠ ${cfg}/learning_rollout.yml:10 teams.autonomous_team.variants[0].tools: unknown tool "${t}"; known tools: ${TOOLS}; named by variants v000, v001, which run without it (--strict-tools makes this an error)`),
      `    ⚠ ${cfg}/learning_rollout.yml:13 teams.autonomous_team.variants[1].tools: unknown tool "learn"; known tools: ${TOOLS}; named by variant v001, which runs without it (--strict-tools makes this an error)`,
      `    ⚠ ${cfg}/learning_rollout.yml:8 teams.autonomous_team.base.reasoning_policy: variant parameters reasoning_policy, search_depth have no effect on the engine: kept as variant parameters and shown in the configuration table (keys with an effect: agent_id, initial_message, model, temperature, top_p, tools, behavior_template, max_tokens)`,
      `✓ ${cfg}/rollout_competitive_payment.yml  2 teams, 3 variants`,
      `✓ ${cfg}/rollout_hierarchical_distribution.yml  1 team, 2 variants`,
      `✓ ${cfg}/rollout_joke.yml  2 teams, 6 variants`,
      `✓ ${cfg}/rollout_task_with_payment.yml  2 teams, 2 variants`,
      `✓ ${cfg}/templates  4 templates`,
      '✓ settings (flags, env, .env)  valid',
      'configuration is valid (11 checks)',
    ])
  })

  it('lists every problem, including bad settings, and exits 3; --json gives the same problems', async () => {
    const setup = (p: string) => {
      writeFileSync(join(p, 'config', 'bad_rollout.yml'), 'teams:\n  t:\n    variants: [{ agent_id: a }]\n')
      writeFileSync(join(p, '.env'), 'LOG_LEVEL=LOUD\n')
    }
    const r = await run(['config', 'validate'], { DEDUP_POLICY: 'x' }, setup)
    const f = join(r.project, 'config', 'bad_rollout.yml')
    expect(r.code).toBe(3)
    // Problems only (the shipped learning rollout's warnings are checked above).
    expect(r.out.split('\n').filter((l) => /^(✗|    |\d+ problem)/.test(l) && !l.startsWith('    ⚠'))).toEqual([
      `✗ ${f}  invalid`,
      `    ${f}:3 teams.t.variants[0]: variant v000 has no initial_message (set it on the team, in base or in the variant)`,
      `    ${f}:3 teams.t.variants[0].agent_id: variant v000: unknown agent "a"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child`,
      '✗ settings (flags, env, .env)  invalid',
      '    env DEDUP_POLICY: got "x", expected one of none, penalty, strict',
      `    ${join(r.project, '.env')}:1 LOG_LEVEL: got "LOUD", expected one of TRACE, DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL, FATAL`,
      '4 problems in 2 files',
    ])
    const j = await run(['config', 'validate', '--json'], { DEDUP_POLICY: 'x' }, setup)
    expect(j.code).toBe(3)
    const parsed = JSON.parse(j.out) as { ok: boolean; problems: string[] }
    expect([parsed.ok, parsed.problems.length, parsed.problems[2]]).toEqual([false, 4, 'env DEDUP_POLICY: got "x", expected one of none, penalty, strict'])
  })

  it('validates an explicit DIR', async () => {
    const dir = tempDir({ 'agents.yml': 'agents: 5\n', templates: '' })
    const r = await run(['config', 'validate', dir])
    expect([r.code, r.out.split('\n')]).toEqual([3, [
      `✗ ${dir}/agents.yml  invalid`,
      `    ${dir}/agents.yml:1 agents: got 5, expected a list`,
      `✓ ${dir}/config.json  absent (defaults apply)`,
      `✗ ${dir}/templates  missing`,
      `    ${dir}/templates: templates folder not found (expected system_message.j2, personas/, reflection/)`,
      '2 problems in 2 files',
    ]])
  })
})

describe('p2engine config show', () => {
  it('shows resolved settings with their source and masks the API key', async () => {
    const key = 'sk-test-0123456789abcdefXYZW'
    const r = await run(['--ledger-backend', 'embedded', 'config', 'show', '--json'], { OPENAI_API_KEY: key, DEDUP_POLICY: 'strict' }, (p) => writeFileSync(join(p, '.env'), 'LOG_LEVEL=debug\n'))
    expect(r.code).toBe(0)
    expect(r.out).not.toContain(key)
    const cfg = join(r.project, 'config')
    expect(JSON.parse(r.out)).toEqual({
      configDir: cfg,
      files: { agents: join(cfg, 'agents.yml'), appConfig: join(cfg, 'config.json'), dotenv: join(r.project, '.env') },
      settings: {
        home: join(r.project, 'home'),
        ledger: { backend: 'embedded', partyId: 'p2engine::default', initialBalance: '100.0', jsonApiUrl: 'http://localhost:7575', enabled: true },
        llm: { apiBase: 'https://api.openai.com/v1', apiKey: 'sk-…XYZW', defaultModel: 'openai/gpt-4o', concurrency: 'openai=16,ollama=2,lmstudio=2,vllm=8' },
        poolSize: 32,
        dedupPolicy: 'strict',
        logLevel: 'DEBUG',
        artifacts: { driver: 'fs', s3Prefix: '', s3ThresholdBytes: 65536 },
      },
      sources: {
        home: 'env', 'ledger.backend': 'flag', 'ledger.partyId': 'file', 'ledger.initialBalance': 'file', 'ledger.jsonApiUrl': 'file',
        'ledger.enabled': 'file', 'llm.apiBase': 'file', 'llm.apiKey': 'env', 'llm.defaultModel': 'file', dedupPolicy: 'env', logLevel: 'dotenv', 'llm.concurrency': 'default', poolSize: 'default',
        'artifacts.driver': 'default', 'artifacts.s3Bucket': 'default', 'artifacts.s3Prefix': 'default', 'artifacts.s3ThresholdBytes': 'default',
      },
      agents: ['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child'],
    })
    const human = await run(['config', 'show'], { OPENAI_API_KEY: key })
    expect(human.out).not.toContain(key)
    expect(human.out).toMatch(/llm\.apiKey\s+│ sk-…XYZW\s+│ env OPENAI_API_KEY/)
    // The long temp config path wraps inside its cell (tables fit 100 columns): the row starts with the file, the key follows.
    expect(human.out).toMatch(/ledger\.partyId\s+│ p2engine::default\s+│ \S*config/)
    expect(human.out).toMatch(/ledger\.party_id\s+│/)
    expect(human.out.split('\n').filter((l) => l.length > 100)).toEqual([])
  })

  it('fails with one clear config error and exit 3 on a bad DEDUP_POLICY', async () => {
    const r = await run(['config', 'show'], { DEDUP_POLICY: 'sometimes' })
    expect([r.code, r.out, r.err]).toEqual([3, '', 'error: env DEDUP_POLICY: got "sometimes", expected one of none, penalty, strict'])
  })
})

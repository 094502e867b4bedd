import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors'
import { loadConfig } from './load'
import { SHIPPED_CONFIG, tempDir } from './testDirs'

const HOME = '/tmp/p2engine-test-home'
const AGENTS_OK = 'agents:\n  - id: a\n    type: llm\n'

/** The problems of the ConfigError thrown by `fn`. */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig: shipped files', () => {
  it('loads the original agents.yml and config.json unchanged, with no API key needed', () => {
    const cfg = loadConfig({ configDir: SHIPPED_CONFIG, env: { P2ENGINE_HOME: HOME }, dotenvPath: null })
    expect(cfg.settings).toEqual({
      home: HOME,
      ledger: { backend: 'embedded', partyId: 'p2engine::default', initialBalance: '100.0', jsonApiUrl: 'http://localhost:7575', enabled: true },
      llm: { apiBase: 'https://api.openai.com/v1', defaultModel: 'openai/gpt-4o', concurrency: 'openai=16,ollama=2,lmstudio=2,vllm=8' },
      poolSize: 32,
      dedupPolicy: 'none',
      logLevel: 'INFO',
      artifacts: { driver: 'fs', s3Prefix: '', s3ThresholdBytes: 65536 },
    })
    expect(cfg.sources).toEqual({
      home: 'env', 'ledger.backend': 'default', 'ledger.partyId': 'file', 'ledger.initialBalance': 'file', 'ledger.jsonApiUrl': 'file',
      'ledger.enabled': 'file', 'llm.apiBase': 'file', 'llm.apiKey': 'default', 'llm.defaultModel': 'file', dedupPolicy: 'default', logLevel: 'default', 'llm.concurrency': 'default', poolSize: 'default',
      'artifacts.driver': 'default', 'artifacts.s3Bucket': 'default', 'artifacts.s3Prefix': 'default', 'artifacts.s3ThresholdBytes': 'default',
    })
    expect(cfg.agents.map((a) => a.id)).toEqual(['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child'])
    expect(cfg.agents[1]).toEqual({
      id: 'agent_beta', type: 'llm', llm_model: 'openai/gpt-4o', behavior_template: null, tools: ['check_balance', 'transfer_funds', 'transaction_history'],
      render_policy: null, enable_self_reflection: false, reflection_agent_id: null,
    })
    expect(cfg.files).toEqual({ agents: join(SHIPPED_CONFIG, 'agents.yml'), appConfig: join(SHIPPED_CONFIG, 'config.json'), dotenv: null })
  })

  it('reads .env.example as a .env layer without exporting it, odd last line included', () => {
    const before = { ...process.env }
    const cfg = loadConfig({ configDir: SHIPPED_CONFIG, env: { P2ENGINE_HOME: HOME }, dotenvPath: join(SHIPPED_CONFIG, '.env.example') })
    expect(process.env).toEqual(before)
    expect([cfg.settings.llm.apiKey, cfg.settings.logLevel, cfg.settings.dedupPolicy, cfg.settings.ledger.enabled]).toEqual(['sk-your-api-key-here', 'INFO', 'none', true])
    expect([cfg.sources['llm.apiKey'], cfg.sources.logLevel, cfg.sources.dedupPolicy, cfg.sources['ledger.enabled']]).toEqual(['dotenv', 'dotenv', 'dotenv', 'dotenv'])
  })

  it('accepts a bare agent list and applies the defaults of each type', () => {
    const dir = tempDir({ 'agents.yml': '- id: x\n  type: llm\n- id: r\n  type: rule_based\n  rules: {hi: hello}\n- id: h\n  type: human_in_loop\n  callback_url: null\n' })
    expect(loadConfig({ configDir: dir, env: { P2ENGINE_HOME: HOME }, dotenvPath: null }).agents).toEqual([
      { id: 'x', type: 'llm', llm_model: 'openai/gpt-4.1', behavior_template: null, tools: [], render_policy: null, enable_self_reflection: false, reflection_agent_id: null },
      { id: 'r', type: 'rule_based', rules: { hi: 'hello' } },
      { id: 'h', type: 'human_in_loop', callback_url: null },
    ])
  })
})

describe('loadConfig: bad input names file, line, key, value and expectation', () => {
  const load = (files: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
    const dir = tempDir(files)
    return { dir, problems: problemsOf(() => loadConfig({ configDir: dir, env: { P2ENGINE_HOME: HOME, ...env }, dotenvPath: null })) }
  }

  it('reports every agents.yml problem at once', () => {
    const { dir, problems } = load({
      'agents.yml': [
        'agents:',
        '  - id: a1',
        '    type: llm',
        '    tools: [x, 3]', // 4: wrong type
        '  - id: a2',
        '    type: llm',
        '    temperature: 0.3', // 7: unknown key
        '  - id: a3',
        '    type: robot', // 9: bad discriminator
        '  - type: rule_based', // 10: missing id
        '    rules: {hi: hello}',
        '  - id: h',
        '    type: human_in_loop', // 13: missing callback_url
        '',
      ].join('\n'),
    })
    const f = join(dir, 'agents.yml')
    expect(problems).toEqual([
      `${f}:4 agents[0].tools[1]: got 3, expected a string`,
      `${f}:7 agents[1].temperature: unknown key "temperature" (allowed: id, type, llm_model, behavior_template, tools, render_policy, enable_self_reflection, reflection_agent_id)`,
      `${f}:9 agents[2].type: got "robot", expected one of llm, rule_based, human_in_loop`,
      `${f}:10 agents[3].id: missing required key (expected a string)`,
      `${f}:12 agents[4].callback_url: missing required key (expected a string)`,
    ])
  })

  it('reports duplicate agent ids', () => {
    const { dir, problems } = load({ 'agents.yml': 'agents:\n  - {id: a, type: llm}\n  - {id: a, type: llm}\n' })
    expect(problems).toEqual([`${join(dir, 'agents.yml')}:3 agents[1].id: duplicate agent id "a" (first defined at index 0)`])
  })

  it('reports YAML syntax errors with their line', () => {
    const { dir, problems } = load({ 'agents.yml': 'agents:\n  - id: a\n    type: llm\n   tools: [x\n' })
    const f = join(dir, 'agents.yml')
    expect(problems).toEqual([
      `${f}:4: YAML syntax error: Sequence item without - indicator`,
      `${f}:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ])
    const dup = load({ 'agents.yml': 'agents: []\nagents: []\n' })
    expect(dup.problems).toEqual([`${join(dup.dir, 'agents.yml')}:2: YAML syntax error: Map keys must be unique`])
  })

  it('reports JSON syntax errors with their line', () => {
    const { dir, problems } = load({ 'agents.yml': AGENTS_OK, 'config.json': '{\n  "ledger": {\n    "enabled": true,\n  }\n}\n' })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(new RegExp(`^${join(dir, 'config.json')}:4: JSON syntax error: `))
  })

  it('reports config.json unknown keys, wrong types and bad decimals with their line', () => {
    const { dir, problems } = load({
      'agents.yml': AGENTS_OK,
      'config.json': JSON.stringify({ llm: { api_base: 'nope', models: { default_model: 5 } }, ledger: { bogus: 1 }, extra: true }, null, 2),
    })
    const f = join(dir, 'config.json')
    expect(problems).toEqual([
      `${f}:3 llm.api_base: got "nope", expected a URL like http://localhost:7575`,
      `${f}:5 llm.models.default_model: got 5, expected a string`,
      `${f}:9 ledger.bogus: unknown key "bogus" (allowed: backend, enabled, json_api_url, party_id, initial_balance, cache_ttl)`,
      `${f}:11 extra: unknown key "extra" (allowed: redis, llm, logging, mode, agent, ledger, mcp_servers)`,
    ])
    const bad = load({ 'agents.yml': AGENTS_OK, 'config.json': '{\n  "ledger": {\n    "initial_balance": "1.00000000001"\n  }\n}\n' })
    expect(bad.problems).toEqual([
      `${join(bad.dir, 'config.json')}:3 ledger.initial_balance: got "1.00000000001", expected a decimal number ≥ 0 with at most 10 fractional digits, like 100.0`,
    ])
  })

  it('reports bad environment values (DEDUP_POLICY, LEDGER_INITIAL_BALANCE, LEDGER_ENABLED) by variable', () => {
    const { problems } = load({ 'agents.yml': AGENTS_OK }, { DEDUP_POLICY: 'loose', LEDGER_INITIAL_BALANCE: '-5', LEDGER_ENABLED: 'maybe' })
    expect(problems).toEqual([
      'env LEDGER_INITIAL_BALANCE: got "-5", expected a decimal number ≥ 0 with at most 10 fractional digits, like 100.0',
      'env LEDGER_ENABLED: got "maybe", expected true or false',
      'env DEDUP_POLICY: got "loose", expected one of none, penalty, strict',
    ])
  })

  it('reports a bad .env value with the .env file and line, and a missing agents file', () => {
    const dir = tempDir({ 'project/.env': '# comment\nDEDUP_POLICY=sometimes\n' })
    const problems = problemsOf(() => loadConfig({ configDir: join(dir, 'project', 'config'), env: { P2ENGINE_HOME: HOME } }))
    expect(problems).toEqual([
      `${join(dir, 'project', 'config')}: config folder not found (set --config or P2ENGINE_CONFIG_DIR)`,
      `${join(dir, 'project', 'config', 'agents.yml')}: file not found`,
      `${join(dir, 'project', '.env')}:2 DEDUP_POLICY: got "sometimes", expected one of none, penalty, strict`,
    ])
  })
})

describe('loadConfig: one precedence rule, flag > env > .env > config file > default', () => {
  const dir = tempDir({
    'config/agents.yml': AGENTS_OK,
    'config/config.json': JSON.stringify({ ledger: { party_id: 'p::file' } }),
    '.env': 'LEDGER_PARTY_ID=p::dotenv\n',
    'bare/config/agents.yml': AGENTS_OK,
  })
  const party = (opts: { flag?: boolean; env?: boolean; dotenv?: boolean; file?: boolean }) => {
    const cfg = loadConfig({
      configDir: join(dir, opts.file === false ? 'bare/config' : 'config'),
      flags: opts.flag ? { LEDGER_PARTY_ID: 'p::flag' } : {},
      env: { P2ENGINE_HOME: HOME, ...(opts.env ? { LEDGER_PARTY_ID: 'p::env' } : {}) },
      ...(opts.dotenv === false ? { dotenvPath: null } : {}),
    })
    return [cfg.settings.ledger.partyId, cfg.sources['ledger.partyId']]
  }

  it('takes each layer only when the ones above are unset', () => {
    expect(party({ flag: true, env: true })).toEqual(['p::flag', 'flag'])
    expect(party({ env: true })).toEqual(['p::env', 'env'])
    expect(party({})).toEqual(['p::dotenv', 'dotenv'])
    expect(party({ dotenv: false })).toEqual(['p::file', 'file'])
    expect(party({ dotenv: false, file: false })).toEqual(['p2engine::default', 'default'])
  })

  it('finds the config dir from P2ENGINE_CONFIG_DIR and honours AGENTS_CFG and P2ENGINE_CONFIG_PATH', () => {
    const other = tempDir({ 'a.yml': 'agents:\n  - {id: zed, type: llm}\n', 'c.json': '{"ledger": {"backend": "canton"}}' })
    const cfg = loadConfig({
      env: { P2ENGINE_HOME: HOME, P2ENGINE_CONFIG_DIR: join(dir, 'config'), AGENTS_CFG: join(other, 'a.yml'), P2ENGINE_CONFIG_PATH: join(other, 'c.json') },
      dotenvPath: null,
    })
    expect([cfg.configDir, cfg.agents.map((a) => a.id), cfg.settings.ledger.backend, cfg.files]).toEqual([
      join(dir, 'config'), ['zed'], 'canton', { agents: join(other, 'a.yml'), appConfig: join(other, 'c.json'), dotenv: null },
    ])
    expect(problemsOf(() => loadConfig({ configDir: join(dir, 'config'), env: { P2ENGINE_HOME: HOME, P2ENGINE_CONFIG_PATH: join(other, 'none.json') }, dotenvPath: null })))
      .toEqual([`${join(other, 'none.json')}: file not found (named by P2ENGINE_CONFIG_PATH in env)`])
  })

  it('keeps the shipped .env.example readable as text', () => {
    expect(readFileSync(join(SHIPPED_CONFIG, '.env.example'), 'utf8')).toContain('OBS_ENABLED=true OBS_BACKEND=rerun')
  })
})

import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../engine/errors'
import { loadConfig } from '../engine/config/load'
import { tempDir } from '../engine/config/testDirs'
import { parsedYamlCache } from './parsedYamlCache'

const env = { P2ENGINE_HOME: '/tmp/p2engine-test-home' }

describe('parsed YAML remembered between runs', () => {
  it('answers only for the same path and the very same text, keeps owner-only files, and never stores data JSON would change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-yamlcache-'))
    const cache = parsedYamlCache(dir)
    cache.put('/cfg/agents.yml', 'a: 1\n', { a: 1 })
    expect(cache.get('/cfg/agents.yml', 'a: 1\n')).toEqual({ data: { a: 1 } })
    expect(cache.get('/cfg/agents.yml', 'a: 2\n')).toBeUndefined()
    expect(cache.get('/other/agents.yml', 'a: 1\n')).toBeUndefined()
    expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600)
    cache.put('/cfg/inf.yml', 'x: .inf\n', { x: Number.POSITIVE_INFINITY })
    expect(cache.get('/cfg/inf.yml', 'x: .inf\n')).toBeUndefined()
  })

  it('loads the same config from the cache as from the file, and a problem found after a hit still names its line', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'p2e-yamlcache-'))
    const cfg = tempDir({ 'agents.yml': 'agents:\n  - id: a\n    type: llm\n    tools: [get_weather]\n' })
    const load = () => loadConfig({ configDir: cfg, env, dotenvPath: null, yamlCache: parsedYamlCache(cacheDir) })
    const first = load()
    expect(readdirSync(cacheDir)).toHaveLength(1)
    expect(load().agents).toEqual(first.agents)
    // Stored data is what a hit uses: a tool unknown to this load is found at its line (4).
    const text = 'agents:\n  - id: a\n    type: llm\n    tools: [get_weather]\n'
    parsedYamlCache(cacheDir).put(join(cfg, 'agents.yml'), text, { agents: [{ id: 'a', type: 'llm', tools: ['no_such_tool'] }] })
    try {
      load()
      throw new Error('expected a ConfigError')
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems.join('\n')).toMatch(/agents\.yml:4.*no_such_tool/)
    }
    // An edited file is parsed again.
    writeFileSync(join(cfg, 'agents.yml'), 'agents:\n  - id: b\n    type: llm\n')
    expect(load().agents.map((a) => a.id)).toEqual(['b'])
  })

  it('never stores a file that does not validate (it may hold anything, e.g. a key under a wrong name)', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'p2e-yamlcache-'))
    const cfg = tempDir({ 'agents.yml': 'agents:\n  - id: a\n    type: llm\n    api_key: sk-not-for-any-cache-000\n' })
    expect(() => loadConfig({ configDir: cfg, env, dotenvPath: null, yamlCache: parsedYamlCache(cacheDir) })).toThrow(ConfigError)
    expect(readdirSync(cacheDir)).toEqual([])
  })
})

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { loadConfig } from '../../engine/config/load'
import { SHIPPED_CONFIG } from '../../engine/config/testDirs'
import { startFakeOpenAi, type FakeOpenAi } from '../../engine/testing/fakeOpenAi'
import { builtinRegistry } from '../../engine/tools/builtins'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { openStore } from '../../storage/sqliteStore'
import { fixtureServer, isAlive, until } from '../../tools/mcp/testing/fixture'
import { RolloutService } from './rolloutService'

// Load (transform) the worker's code and the MCP client once, outside the timed test.
beforeAll(async () => {
  await Promise.all([import('../../compose/engine'), import('../../tools/mcp/source'), import('../../engine/models/openaiProvider')])
})

const SPEC = `teams:
  mcp_team:
    base:
      agent_id: agent_alpha
    eval:
      evaluator_id: contains
      params: { text: "5" }
    variants:
      - id: with_mcp
        tools: ["fx__add", "fx__pid", "broken__read"]
        initial_message: Add 2 and 3.
`

let fake: FakeOpenAi | undefined
let cleanup: (() => Promise<void>) | undefined
afterEach(async () => {
  await cleanup?.()
  await fake?.close()
  fake = cleanup = undefined
})

describe('MCP tools in a rollout (the variant worker’s code, run inline)', () => {
  it('a variant naming SERVER__TOOL runs it through the worker’s own MCP client; the server stops with the worker; a broken server is a row error', async () => {
    fake = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'fx__add', arguments: '{"a":2,"b":3}' }, { id: 'c2', name: 'fx__pid', arguments: '{}' }] },
      { content: 'The sum is 5.' },
    ])
    const dir = mkdtempSync(join(tmpdir(), 'p2e-mcp-ro-'))
    const configDir = join(dir, 'config')
    cpSync(SHIPPED_CONFIG, configDir, { recursive: true })
    writeFileSync(join(configDir, 'mcp.json'), JSON.stringify({ mcp_servers: { fx: fixtureServer(), broken: { command: '/nonexistent/mcp' } } }))
    writeFileSync(join(configDir, 'mcp_rollout.yml'), SPEC)
    const env = { P2ENGINE_HOME: join(dir, 'home'), OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test' }
    const config = loadConfig({ configDir, env, dotenvPath: null })
    const store = openStore(join(dir, 'p2engine.db'))
    const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
    const service = new RolloutService({
      config, store, ledger, env, toolNames: () => builtinRegistry().names(), publish: () => {},
      pool: () => ({ run: (task) => runVariant(task), close: async () => {} }),
    })
    cleanup = async () => {
      await service.close()
      await closeThreadContexts()
      store.close()
      rmSync(dir, { recursive: true, force: true })
    }

    const started = await service.start({ path: join(configDir, 'mcp_rollout.yml'), parallel: 1 })
    await service.whenIdle()
    const detail = service.get(started.id)
    // The server that does not start is named in the variant's errors; the variant runs with the other tools.
    expect(detail.variants.map((v) => [v.status, v.error, v.metrics?.errors, v.metrics?.scores.map((s) => s.score)])).toEqual([
      ['done', null, [expect.stringMatching(/^MCP server "broken" \(command: \/nonexistent\/mcp\) failed to start: .*ENOENT/)], [1]],
    ])
    const bodies = fake.requests.filter((q) => q.path.endsWith('/chat/completions')).map((q) => q.body!)
    expect((bodies[0]!.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(['fx__add', 'fx__pid'])
    const results = (bodies[1]!.messages as { role: string; content: string }[]).filter((m) => m.role === 'tool').map((m) => m.content)
    expect(results[0]).toContain('"sum":5')
    const pid = Number(/(\d+)/.exec(results[1]!)![1])
    expect(isAlive(pid)).toBe(true) // shared by the worker's later variants
    await closeThreadContexts()
    expect(await until(() => !isAlive(pid))).toBe(true)
  })
})

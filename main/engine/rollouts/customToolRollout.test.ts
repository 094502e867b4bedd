import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { loadHostTools } from '../../compose/customTools'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { openStore } from '../../storage/sqliteStore'
import { loadConfig } from '../config/load'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { startFakeOpenAi, type FakeOpenAi } from '../testing/fakeOpenAi'
import { createRollout, runRollout } from './runner'
import { loadRolloutSpec } from './spec'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

describe('rollout worker with a custom tool', () => {
  it('loads config/tools/ in the worker: the variant offers search_database to the model and runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-ro-tools-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const configDir = join(dir, 'config')
    cpSync(CONFIG_DIR, configDir, { recursive: true })
    appendFileSync(join(configDir, 'agents.yml'), '\n  - id: shopper\n    type: llm\n    llm_model: "openai/gpt-4o"\n    tools: ["search_database"]\n')
    const specFile = join(configDir, 'shop_rollout.yml')
    writeFileSync(specFile, 'teams:\n  shop:\n    initial_message: "Do you sell a tent?"\n    base: { agent_id: shopper }\n    variants:\n      - tools: ["search_database"]\n')

    const fake: FakeOpenAi = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'search_database', arguments: '{"query":"tent"}' }] },
      { content: 'Yes: the two-person tent, 310.' },
    ])
    cleanups.push(() => fake.close())
    const env = { P2ENGINE_HOME: join(dir, 'home'), OPENAI_API_KEY: 'test', OPENAI_BASE_URL: fake.baseUrl }
    const tools = loadHostTools(configDir)
    const config = loadConfig({ configDir, env, dotenvPath: null, tools: tools.names })
    const spec = loadRolloutSpec(specFile, { configDir, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: tools.names, strictTools: true })
    const dbPath = join(dir, 'p2engine.db')
    const store = openStore(dbPath)
    cleanups.push(() => store.close(), () => closeThreadContexts())
    const repo = new SqliteRolloutStore(store)
    const deps = { repo, ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }), executor: runVariant, task: { dbPath, configDir, env, modelMode: 'record' as const } }
    const rollout = await createRollout(deps, { specFile: spec.file, source: spec.source, variants: spec.variants, options: { parallel: 1, strictTools: true, replay: false, taskTimeoutMs: 4_000 } })

    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    expect(repo.variants(rollout.id).map((v) => [v.status, v.error])).toEqual([['done', null]])
    const offered = (fake.requests[0]!.body!.tools as { function: { name: string; parameters: { required: string[] } } }[]).map((t) => [t.function.name, t.function.parameters.required])
    expect(offered).toEqual([['search_database', ['query']]])
    const toolMessage = (fake.requests[1]!.body!.messages as { role: string; content: string }[]).find((m) => m.role === 'tool')!
    expect(JSON.parse(toolMessage.content)).toMatchObject({ query: 'tent', total: 1, results: [{ id: 'p-007', name: 'Two-person tent' }] })
  })
})

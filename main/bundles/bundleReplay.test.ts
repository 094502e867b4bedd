import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cliEnv, shippedProject, type CliEnv } from '../cli/commands/cliTestKit'
import { loadConfig } from '../engine/config/load'
import { EvaluatorRegistry } from '../engine/evals/registry'
import { homePaths } from '../engine/paths'
import { createRollout, runRollout, type RolloutDeps } from '../engine/rollouts/runner'
import { loadRolloutSpec } from '../engine/rollouts/spec'
import { startFakeOpenAi, type FakeOpenAi } from '../engine/testing/fakeOpenAi'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { openStore } from '../storage/sqliteStore'
import runVariant, { closeThreadContexts } from '../../workers/runVariant'

let fake: FakeOpenAi | undefined
const cleanups: (() => void)[] = []
afterEach(async () => {
  await fake?.close()
  fake = undefined
  for (const c of cleanups.splice(0)) c()
})

/** The stack's states without ids and times: what a transcript says. */
const transcript = (out: string) =>
  (JSON.parse(out) as { entries: { state: Record<string, unknown> }[] }).entries.map(({ state }) => {
    const { deadline: _d, ...rest } = state
    return JSON.stringify(rest).replace(/"(call_|tc_)[\w-]+"/g, '"<id>"')
  })

const message = 'Weather in Paris, then pay agent_beta 2.5'

describe('replay of an imported conversation', () => {
  let a: CliEnv
  let file: string
  beforeAll(async () => {
    fake = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"location":"Paris"}' }, { id: 'c2', name: 'transfer_funds', arguments: '{"to_agent":"agent_beta","amount":2.5}' }] },
      { content: 'Paris is 71.6 °F and I paid agent_beta 2.5.' },
    ])
    a = cliEnv()
    Object.assign(a.env, { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test-replay-key' })
    expect((await a.run(['ledger', 'init'])).code).toBe(0)
    const chat = await a.run(['chat', 'with', 'agent_alpha', '--name', 'paris'], { input: [message, 'exit'] })
    expect(chat.out).toContain('Paris is 71.6 °F and I paid agent_beta 2.5.')
    file = join(a.root, 'paris.p2bundle')
    expect((await a.run(['bundle', 'export', '--conversation', 'paris', '--out', file])).code).toBe(0)
    await fake.close()
    fake = undefined
  })
  afterAll(() => a.cleanup())

  it('replays in a fresh home with the model server down: same transcript, no payment', async () => {
    const b = cliEnv()
    cleanups.push(b.cleanup)
    expect((await b.run(['bundle', 'import', file])).code).toBe(0)
    expect((await b.run(['ledger', 'init'])).code).toBe(0)
    const again = await b.run(['--replay', 'chat', 'with', 'agent_alpha', '--name', 'paris-replay'], { input: [message, 'exit'] })
    expect([again.code, again.out.includes('Paris is 71.6 °F and I paid agent_beta 2.5.')]).toEqual([0, true])
    const stack = async (env: CliEnv, name: string) => transcript((await env.run(['conversation', 'stack', name, '--n', '0', '--json'])).out)
    expect(await stack(b, 'paris-replay')).toEqual(await stack(a, 'paris'))
    expect(await stack(b, 'paris')).toEqual(await stack(a, 'paris'))
    // The replayed transfer returned its recorded outcome; nothing moved here.
    expect(JSON.parse((await b.run(['ledger', 'balance', 'agent_beta', '--json'])).out).balance).toBe('100.0')
  })

})

describe('a paying rollout through a bundle', () => {
  const a = shippedProject()
  const b = shippedProject()
  let id: string
  beforeAll(async () => {
    id = await runIn(a, 'record')
    const file = join(a.dir, 'rollout.p2bundle')
    const exp = await a.run('bundle', 'export', '--rollout', id, '--out', file, '--json')
    expect(exp.code).toBe(0)
    const counts = (JSON.parse(exp.out) as { counts: { rollouts: number; variants: number; conversations: number; transfers: number; evaluations: number } }).counts
    expect(counts).toMatchObject({ rollouts: 1, variants: 3 })
    expect(counts.conversations).toBeGreaterThanOrEqual(3)
    expect(counts.transfers).toBeGreaterThan(0)
    expect(counts.evaluations).toBeGreaterThan(0)
    expect((await b.run('bundle', 'import', file)).code).toBe(0)
  })
  const runIn = async (p: ReturnType<typeof shippedProject>, modelMode: 'record' | 'replay', cfg?: { dir: string; spec: string }): Promise<string> => {
      expect((await p.run('ledger', 'init')).code).toBe(0)
      const configDir = cfg?.dir ?? join(p.dir, 'config')
      const env = { P2ENGINE_HOME: join(p.dir, 'home'), OPENAI_API_KEY: '' }
      const dbPath = homePaths(env.P2ENGINE_HOME).database
      const store = openStore(dbPath)
      try {
        const config = loadConfig({ configDir, env, dotenvPath: null })
        const spec = loadRolloutSpec(cfg?.spec ?? p.spec('rollout_competitive_payment.yml'), { configDir, agents: config.agents.map((x) => x.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
        const deps: RolloutDeps = { repo: new SqliteRolloutStore(store), ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }), executor: (task) => runVariant(task), task: { dbPath, configDir, env, modelMode } }
        const id = (await createRollout(deps, { specFile: spec.file, source: spec.source, variants: spec.variants, options: { parallel: 1, strictTools: false, replay: modelMode === 'replay', taskTimeoutMs: 60_000 } })).id
        await runRollout(deps, id)
        return id
    } finally {
      await closeThreadContexts()
      store.close()
    }
  }

  it('rollout tables, variants, scores and eval top are equal in the fresh home; origin shown; ledger audit holds', async () => {
    const shown = async (p: typeof a, rid: string) => {
      const j = JSON.parse((await p.run('rollout', 'show', rid, '--json')).out) as { rollout: unknown; variants: unknown; origin: unknown }
      return { rollout: j.rollout, variants: j.variants }
    }
    const sa = await shown(a, id)
    expect(await shown(b, id)).toEqual(sa)
    // Every variant's conversation: artifacts (payloads, evaluations) equal.
    for (const v of sa.variants as { conversationId: string }[]) {
      const arts = async (p: typeof a) => JSON.parse((await p.run('artifact', 'show', v.conversationId, '--limit', '1000', '--json')).out) as unknown
      expect(await arts(b)).toEqual(await arts(a))
    }
    expect((await b.run('eval', 'top', id)).out).toBe((await a.run('eval', 'top', id)).out)
    expect((await b.run('rollout', 'show', id)).out).toMatch(/imported from bundle rollout\.p2bundle/)
    expect((await b.run('ledger', 'audit')).code).toBe(0)
  })

  it('a replay from the bundled recordings and bundled config (no model, no tools run) scores the same', async () => {
    const dir = join(b.dir, 'extracted')
    expect((await b.run('bundle', 'inspect', join(a.dir, 'rollout.p2bundle'), '--extract', dir)).code).toBe(0)
    const replayed = await runIn(b, 'replay', { dir, spec: join(dir, 'rollouts', `${id}.yml`) })
    const scores = async (p: typeof a, rid: string) =>
      ((JSON.parse((await p.run('rollout', 'show', rid, '--json')).out) as { variants: { team: string; variantId: string; metrics: { scores: { score: number }[] } }[] }).variants)
        .map((v) => [v.team, v.variantId, v.metrics.scores.map((s) => s.score)])
    expect(await scores(b, replayed)).toEqual(await scores(a, id))
  })
})

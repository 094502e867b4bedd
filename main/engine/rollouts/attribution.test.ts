import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { SqliteArtifactStore } from '../../storage/artifacts/sqliteArtifacts'
import { openStore, type SqliteStore } from '../../storage/sqliteStore'
import { loadConfig } from '../config/load'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { builtinRegistry } from '../tools/builtins'
import { ledgerFlows } from './ledgerFlows'
import { conversationUsage } from './measure'
import { rolloutState } from './liveness'
import type { VariantExecutor } from './pool'
import type { VariantTask } from './repository'
import { createRollout, runRollout, type RolloutDeps } from './runner'
import { loadRolloutSpec } from './spec'

let dir: string
let store: SqliteStore
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-attr-'))
  store = openStore(join(dir, 'p2engine.db'))
})
afterEach(async () => {
  await closeThreadContexts()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const inline: VariantExecutor = (task) => runVariant(task)

async function start(file: string, o: { faults?: Record<string, VariantTask['inject']>; env?: Record<string, string> } = {}) {
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '', ...o.env }
  const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
  const spec = loadRolloutSpec(join(CONFIG_DIR, file), {
    configDir: CONFIG_DIR, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true,
  })
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const repo = new SqliteRolloutStore(store)
  const deps: RolloutDeps = {
    repo, ...(config.settings.ledger.enabled ? { ledger } : {}), executor: inline, ...(o.faults ? { faults: o.faults } : {}),
    task: { dbPath: join(dir, 'p2engine.db'), configDir: CONFIG_DIR, env, modelMode: 'record' },
  }
  const rollout = await createRollout(deps, {
    specFile: spec.file, source: spec.source, variants: spec.variants,
    options: { parallel: 4, strictTools: true, replay: false, taskTimeoutMs: 5_000 },
    walletAgents: config.agents.map((a) => a.id), initialBalance: '100.0',
  })
  return { deps, repo, ledger, rollout }
}

describe('rollout ledger figures are attributed to the rollout and variant that made the transfers', () => {
  it('two rollouts running at once: each one’s figures hold only its own transfers; the paid agent shows what it received', async () => {
    const a = await start('rollout_competitive_payment.yml')
    const b = await start('rollout_task_with_payment.yml')
    await Promise.all([runRollout(a.deps, a.rollout.id), runRollout(b.deps, b.rollout.id)])
    // Both rollouts' transfers are on the one ledger…
    expect((await a.ledger.history()).length).toBe(2)
    // …and each rollout reports only its own.
    expect(ledgerFlows(a.repo.variants(a.rollout.id))).toEqual({
      transfers: 1, volume: '25.00',
      agents: [{ agent: 'agent_alpha', sent: '0.00', received: '25.00', net: '25.00' }, { agent: 'treasurer', sent: '25.00', received: '0.00', net: '-25.00' }],
    })
    expect(ledgerFlows(b.repo.variants(b.rollout.id))).toEqual({
      transfers: 1, volume: '15.00',
      agents: [{ agent: 'agent_alpha', sent: '15.00', received: '0.00', net: '-15.00' }, { agent: 'agent_helper', sent: '0.00', received: '15.00', net: '15.00' }],
    })
    expect(ledgerFlows(a.repo.variants(a.rollout.id).filter((v) => v.team === 'problem_solvers'))).toEqual({ transfers: 0, volume: '0.00', agents: [] })
  })

  it('resuming a finished rollout changes nothing: status, snapshots, figures and judge tokens stay as stored', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_competitive_payment.yml')
    const done = await runRollout(deps, rollout.id)
    const variants = repo.variants(rollout.id)
    expect(done.status).toBe('done')
    // Money moves elsewhere before the resume (another chat, another rollout).
    ledger.transferSync({ from: 'agent_beta', to: 'agent_helper', amount: '40', commandId: 'elsewhere' })
    const again = await runRollout(deps, rollout.id)
    expect(again).toEqual(done)
    expect(repo.variants(rollout.id)).toEqual(variants)
    expect(variants.map((v) => v.metrics?.judgeUsage.calls)).toEqual([1, 1, 0])
  })

  it('a variant killed after judging is judged again on resume and its judge tokens are counted once', async () => {
    const { deps, repo, rollout } = await start('rollout_task_with_payment.yml', { faults: { 'weather_service/weather_provider': 'die_after_judge' } })
    const first = await runRollout(deps, rollout.id)
    expect(repo.variant(rollout.id, 'weather_service', 'weather_provider').status).toBe('running')
    expect(rolloutState(first)).toBe('interrupted')
    const resumed = await runRollout({ ...deps, faults: {} }, rollout.id)
    expect(rolloutState(resumed)).toBe('done')
    const v = repo.variant(rollout.id, 'weather_service', 'weather_provider')
    const judgeCalls = new SqliteArtifactStore(store).query({ sessionId: v.conversationId!, type: 'metrics', limit: 100 }).filter((h) => h.role === 'judge_call')
    expect(judgeCalls.length).toBe(2)
    expect(v.metrics!.judgeUsage.calls).toBe(1)
    // Both judgings saw the same answer: the row counts the tokens of one of them.
    expect(v.metrics!.judgeUsage.totalTokens * 2).toBe(conversationUsage(new SqliteArtifactStore(store), v.conversationId!).judge.totalTokens)
    expect(v.metrics!.judgeUsage.totalTokens).toBeGreaterThan(0)
  })

  it('LEDGER_ENABLED=false: no wallet tools for the agents, no money moves, no ledger figures', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_task_with_payment.yml', { env: { LEDGER_ENABLED: 'false' } })
    expect(rollout.ledgerBefore).toBeNull()
    expect(rollout.spec.options.ledgerEnabled).toBe(false)
    const done = await runRollout(deps, rollout.id)
    expect(done.status).toBe('done')
    expect(done.ledgerAfter).toBeNull()
    // The weather variant calls get_weather once per city (3); the payment variant has no wallet tool to call.
    expect(repo.variants(rollout.id).map((v) => [v.status, v.metrics?.ledger, v.metrics?.toolCalls])).toEqual([['done', null, 3], ['done', null, 0]])
    expect(await ledger.listWallets()).toEqual([])
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../../storage/sqliteStore'
import { loadConfig } from '../config/load'
import { EvaluatorRegistry } from '../evals/registry'
import { CONFIG_DIR } from '../testing/engineHarness'
import { builtinRegistry } from '../tools/builtins'
import { variantPool, type VariantExecutor } from './pool'
import { createRollout, runRollout, type RolloutDeps } from './runner'
import { loadRolloutSpec } from './spec'
import type { VariantTask } from './repository'

let dir: string
let store: SqliteStore
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-ro-'))
  store = openStore(join(dir, 'p2engine.db'))
})
afterEach(async () => {
  await closeThreadContexts()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const env = () => ({ P2ENGINE_HOME: dir, OPENAI_API_KEY: '' })
const inline: VariantExecutor = (task) => runVariant(task)

async function start(file: string, o: { executor?: VariantExecutor; faults?: Record<string, VariantTask['inject']>; parallel?: number; samples?: number; timeoutMs?: number } = {}) {
  const config = loadConfig({ configDir: CONFIG_DIR, env: env(), dotenvPath: null })
  const spec = loadRolloutSpec(join(CONFIG_DIR, file), {
    configDir: CONFIG_DIR, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true,
  })
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const repo = new SqliteRolloutStore(store)
  const deps: RolloutDeps = {
    repo, ledger, executor: o.executor ?? inline, ...(o.faults ? { faults: o.faults } : {}),
    task: { dbPath: join(dir, 'p2engine.db'), configDir: CONFIG_DIR, env: env(), modelMode: 'record' },
  }
  const rollout = await createRollout(deps, {
    specFile: spec.file, source: spec.source, variants: spec.variants,
    options: { parallel: o.parallel ?? 4, strictTools: true, replay: false, taskTimeoutMs: o.timeoutMs ?? 5_000, ...(o.samples ? { samples: o.samples } : {}) },
    walletAgents: [...config.agents.map((a) => a.id)], initialBalance: '100.0',
  })
  return { deps, repo, ledger, rollout }
}

const cells = (repo: SqliteRolloutStore, id: string) =>
  repo.variants(id).map((v) => ({ team: v.team, variant: v.variantId, status: v.status, error: v.error, score: v.metrics?.score ?? null, offline: v.metrics?.usage.offline ?? null }))

describe('rollouts offline (scripted model and judge)', () => {
  it('runs rollout_joke.yml: six variants, every answer judged offline with the joke_quality rubric', async () => {
    const { deps, repo, rollout } = await start('rollout_joke.yml')
    const done = await runRollout(deps, rollout.id)
    expect(done.status).toBe('done')
    const rows = cells(repo, rollout.id)
    expect(rows.map((r) => [r.team, r.variant, r.status, r.error, r.offline])).toEqual(['joke_team', 'pun_team'].flatMap((team) => ['good', 'mediocre', 'bad'].map((variant) => [team, variant, 'done', null, true])))
    // The offline judge reads the answers: the joke that follows the rubric wins, the "no jokes" memo loses.
    const score = (team: string, variant: string) => rows.find((r) => r.team === team && r.variant === variant)!.score!
    expect(score('joke_team', 'good')).toBeGreaterThan(score('joke_team', 'mediocre'))
    expect(score('joke_team', 'mediocre')).toBeGreaterThan(score('joke_team', 'bad'))
    expect(score('pun_team', 'good')).toBeGreaterThan(score('pun_team', 'bad'))
    const m = repo.variant(rollout.id, 'joke_team', 'good').metrics!
    expect(m.scores).toEqual([{
      evaluator: 'gpt4_judge', version: '0.4', metric: 'score', score: m.score, metrics: { score: m.score, has_comment: 1 }, offline: true,
      comment: expect.stringMatching(/^\[offline scripted judge\] \d\.\d\d: ✓ ≥ 8 sentences; /), judgeModel: 'openai/gpt-4o-mini', promptVersion: 'v1.0.0', ref: expect.any(String),
    }])
    expect(m.judgeUsage.calls).toBe(1)
    expect(m.usage.calls).toBe(1)
    expect(m.conversationId).toBe(`rollout:${rollout.id}:joke_team:good`)
  })

  it('runs rollout_task_with_payment.yml: the coordinator pays agent_helper 15 exactly once', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_task_with_payment.yml')
    const done = await runRollout(deps, rollout.id)
    expect(cells(repo, rollout.id).map((c) => [c.team, c.status])).toEqual([['weather_service', 'done'], ['payment_coordinator', 'done']])
    const pay = repo.variant(rollout.id, 'payment_coordinator', 'service_payment').metrics!
    expect(pay.ledger).toEqual({
      agent: 'agent_alpha', finalBalance: '85.0', netFlow: '-15.00',
      transfers: [{ from: 'agent_alpha', to: 'agent_helper', amount: '15', reason: 'Payment for weather information services', transactionId: expect.any(String) }],
      walletChanges: { agent_alpha: '-15.00', agent_helper: '15.00' },
    })
    expect((await ledger.history('agent_helper')).map((t) => [t.fromAgent, t.toAgent, t.amount])).toEqual([['agent_alpha', 'agent_helper', '15.0']])
    expect(done.ledgerBefore!.metrics.transactionCount).toBe(0)
    expect(done.ledgerAfter!.metrics.transactionCount).toBe(1)
  })

  it('resumes after a kill right after the transfer: finished variants are not rerun and nothing is paid twice', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_task_with_payment.yml', { faults: { 'payment_coordinator/service_payment': 'die_after_transfer' } })
    const first = await runRollout(deps, rollout.id)
    expect(first.status).toBe('running')
    expect(cells(repo, rollout.id).map((c) => c.status)).toEqual(['done', 'running'])
    const weatherDone = repo.variant(rollout.id, 'weather_service', 'weather_provider').finishedAt
    const resumed = await runRollout({ ...deps, faults: {} }, rollout.id)
    expect(resumed.status).toBe('done')
    expect(cells(repo, rollout.id).map((c) => c.status)).toEqual(['done', 'done'])
    expect(repo.variant(rollout.id, 'weather_service', 'weather_provider').finishedAt).toBe(weatherDone)
    expect((await ledger.history('agent_helper')).length).toBe(1)
    expect(repo.variant(rollout.id, 'payment_coordinator', 'service_payment').metrics!.ledger!.transfers.length).toBe(1)
  })

  it('runs rollout_hierarchical_distribution.yml: equal_distribution pays 25 to agent_helper and 25 to child, once each', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_hierarchical_distribution.yml')
    const done = await runRollout(deps, rollout.id)
    expect(cells(repo, rollout.id).map((c) => [c.variant, c.status])).toEqual([['equal_distribution', 'done'], ['performance_based', 'done']])
    expect(repo.variant(rollout.id, 'management_team', 'equal_distribution').metrics!.ledger!.walletChanges).toEqual({ agent_alpha: '-50.00', agent_helper: '25.00', child: '25.00' })
    expect((await ledger.history()).map((t) => [t.fromAgent, t.toAgent, t.amount]).sort()).toEqual([['agent_alpha', 'agent_helper', '25.0'], ['agent_alpha', 'child', '25.0']])
    expect(done.ledgerAfter!.wallets.filter((w) => w.balance !== '100.0')).toEqual([
      { agent: 'agent_alpha', balance: '50.0' }, { agent: 'agent_helper', balance: '125.0' }, { agent: 'child', balance: '125.0' },
    ])
  })

  it('runs the other two example rollouts to the end', async () => {
    for (const file of ['demo_rollout.yml', 'rollout_competitive_payment.yml']) {
      const { deps, repo, rollout } = await start(file)
      expect((await runRollout(deps, rollout.id)).status).toBe('done')
      expect(cells(repo, rollout.id).filter((c) => c.status !== 'done')).toEqual([])
    }
  })

  it('records a crashing variant task as an error cell (worker pool) and finishes the others', async () => {
    const pool = variantPool(1)
    try {
      const { deps, repo, rollout } = await start('rollout_task_with_payment.yml', { executor: pool.run, faults: { 'weather_service/weather_provider': 'throw' } })
      await runRollout(deps, rollout.id)
      expect(cells(repo, rollout.id).map((c) => [c.team, c.variant, c.status, c.error])).toEqual([
        ['weather_service', 'weather_provider', 'failed', 'injected crash'],
        ['payment_coordinator', 'service_payment', 'done', null],
      ])
    } finally {
      await pool.close()
    }
  })

  it('records a hung variant task as a timeout cell and a rejected task as a crash cell', async () => {
    const executor: VariantExecutor = (task, signal) => {
      if (task.variantId === 'bad') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      if (task.variantId === 'mediocre') return Promise.reject(new Error('worker exited with code 1'))
      return runVariant(task)
    }
    const { deps, repo, rollout } = await start('rollout_joke.yml', { executor, timeoutMs: 300, parallel: 6 })
    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    expect(cells(repo, rollout.id).filter((c) => c.team === 'pun_team').map((c) => [c.variant, c.status, c.error])).toEqual([
      ['good', 'done', null],
      ['mediocre', 'failed', 'variant task crashed: worker exited with code 1'],
      ['bad', 'failed', 'variant task stopped after 0.3 s (timeout)'],
    ])
  })
})

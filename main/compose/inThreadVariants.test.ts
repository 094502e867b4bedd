import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../engine/config/load'
import { EvaluatorRegistry } from '../engine/evals/registry'
import { createRollout, runRollout, type RolloutDeps } from '../engine/rollouts/runner'
import { loadRolloutSpec } from '../engine/rollouts/spec'
import type { VariantTask } from '../engine/rollouts/repository'
import { CONFIG_DIR } from '../engine/testing/engineHarness'
import { builtinRegistry } from '../engine/tools/builtins'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { openStore, type SqliteStore } from '../storage/sqliteStore'
import { inThreadVariants } from './inThreadVariants'

let dir: string
let store: SqliteStore
const closers: (() => Promise<void>)[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2e-ro1w-'))
  store = openStore(join(dir, 'p2engine.db'))
})
afterEach(async () => {
  for (const c of closers.splice(0)) await c()
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A rollout run by the single-writer executor on `store` (the host's one connection). */
async function start(file: string, o: { faults?: Record<string, VariantTask['inject']>; timeoutMs?: number; groupCommit?: boolean; modelThread?: boolean } = {}) {
  const env = { P2ENGINE_HOME: dir, OPENAI_API_KEY: '' }
  const config = loadConfig({ configDir: CONFIG_DIR, env, dotenvPath: null })
  const spec = loadRolloutSpec(join(CONFIG_DIR, file), {
    configDir: CONFIG_DIR, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: true,
  })
  const ledger = new EmbeddedLedger(store, { party: config.settings.ledger.partyId })
  const executor = inThreadVariants({ store, ledger, parallel: 4, groupCommit: o.groupCommit ?? true, modelThread: o.modelThread ?? false })
  closers.push(executor.close)
  const repo = new SqliteRolloutStore(store)
  const deps: RolloutDeps = {
    repo, ledger, executor: executor.run, ...(o.faults ? { faults: o.faults } : {}),
    task: { dbPath: join(dir, 'p2engine.db'), configDir: CONFIG_DIR, env, modelMode: 'record' },
  }
  const rollout = await createRollout(deps, {
    specFile: spec.file, source: spec.source, variants: spec.variants,
    options: { parallel: 4, strictTools: true, replay: false, taskTimeoutMs: o.timeoutMs ?? 5_000 },
    walletAgents: config.agents.map((a) => a.id), initialBalance: '100.0',
  })
  return { deps, repo, ledger, rollout, executor }
}

const statuses = (repo: SqliteRolloutStore, id: string) => repo.variants(id).map((v) => [v.team, v.variantId, v.status, v.error])

describe('single-writer rollout executor (variants in-thread on the host connection)', () => {
  it('runs the hierarchical payment rollout with group commit: every variant done, each payment once, the ledger audit holds', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_hierarchical_distribution.yml')
    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    expect(statuses(repo, rollout.id)).toEqual([['management_team', 'equal_distribution', 'done', null], ['management_team', 'performance_based', 'done', null]])
    expect(repo.variant(rollout.id, 'management_team', 'equal_distribution').metrics!.ledger!.walletChanges).toEqual({ agent_alpha: '-50.00', agent_helper: '25.00', child: '25.00' })
    expect((await ledger.history()).map((t) => [t.fromAgent, t.toAgent, t.amount]).sort()).toEqual([['agent_alpha', 'agent_helper', '25.0'], ['agent_alpha', 'child', '25.0']])
    expect(await ledger.audit()).toMatchObject({ ok: true, violations: [] })
    // The last batch commits with its event-loop turn.
    await new Promise((r) => setImmediate(r))
    expect(store.db.inTransaction).toBe(false)
  })

  it('without group commit (as in the app) and with model calls on their own thread, runs the joke rollout offline, every answer judged', async () => {
    const { deps, repo, rollout } = await start('rollout_joke.yml', { groupCommit: false, modelThread: true })
    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    expect(repo.variants(rollout.id).map((v) => [v.status, v.metrics?.judgeUsage.calls])).toEqual(Array.from({ length: 6 }, () => ['done', 1]))
  })

  it('resumes after a kill right after the transfer: nothing is paid twice, the finished variant is not rerun', async () => {
    const { deps, repo, ledger, rollout } = await start('rollout_task_with_payment.yml', { faults: { 'payment_coordinator/service_payment': 'die_after_transfer' } })
    expect((await runRollout(deps, rollout.id)).status).toBe('running')
    expect(statuses(repo, rollout.id).map((s) => s[2])).toEqual(['done', 'running'])
    const weatherDone = repo.variant(rollout.id, 'weather_service', 'weather_provider').finishedAt
    expect((await runRollout({ ...deps, faults: {} }, rollout.id)).status).toBe('done')
    expect(statuses(repo, rollout.id).map((s) => s[2])).toEqual(['done', 'done'])
    expect(repo.variant(rollout.id, 'weather_service', 'weather_provider').finishedAt).toBe(weatherDone)
    expect((await ledger.history('agent_helper')).length).toBe(1)
    expect(repo.variant(rollout.id, 'payment_coordinator', 'service_payment').metrics!.ledger!.transfers.length).toBe(1)
    expect(await ledger.audit()).toMatchObject({ ok: true })
  })

  it('a crashing variant is its error cell, a hung one is stopped by its deadline; the others finish', async () => {
    const { deps, repo, rollout } = await start('rollout_joke.yml', { faults: { 'pun_team/mediocre': 'throw', 'pun_team/bad': 'hang' }, timeoutMs: 300 })
    expect((await runRollout(deps, rollout.id)).status).toBe('done')
    expect(statuses(repo, rollout.id).filter((s) => s[0] === 'pun_team')).toEqual([
      ['pun_team', 'good', 'done', null],
      ['pun_team', 'mediocre', 'failed', 'injected crash'],
      ['pun_team', 'bad', 'failed', 'variant task stopped after 0.3 s (timeout)'],
    ])
  })

  it('close() stops the variants in flight: their rows stay unfinished, so a resume reruns them', async () => {
    const { deps, repo, rollout, executor } = await start('rollout_joke.yml', { faults: { 'joke_team/good': 'hang' } })
    const run = runRollout(deps, rollout.id)
    await new Promise((r) => setTimeout(r, 50))
    await executor.close()
    expect((await run).status).toBe('running')
    expect([repo.variant(rollout.id, 'joke_team', 'good').status, repo.variant(rollout.id, 'joke_team', 'good').error]).toEqual(['queued', null])
  })
})

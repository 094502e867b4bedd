import { spawn, spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadRolloutSpec } from '../../engine/rollouts/spec'
import runVariant, { closeThreadContexts } from '../../../workers/runVariant'
import { loadConfig } from '../../engine/config/load'
import { createRollout, runRollout, type RolloutDeps } from '../../engine/rollouts/runner'
import { builtinRegistry } from '../../engine/tools/builtins'
import { runByAnother } from '../../engine/rollouts/liveness'
import { EvaluatorRegistry } from '../../engine/evals/registry'
import { homePaths } from '../../engine/paths'
import { EmbeddedLedger } from '../../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import { openStore } from '../../storage/sqliteStore'
import { cliEnv, shippedProject } from './cliTestKit'

const project = shippedProject

/** Creates a rollout of `file` in the project's home, records `runner` as its runner and, with `run`, runs it inline (no worker pool). */
async function rolloutIn(p: ReturnType<typeof project>, file: string, o: { runner?: { pid: number; host: string } | null; run?: boolean; resume?: string } = {}): Promise<string> {
  if (!o.resume) expect((await p.run('ledger', 'init')).code).toBe(0)
  const configDir = join(p.dir, 'config')
  const env = { P2ENGINE_HOME: join(p.dir, 'home'), OPENAI_API_KEY: '', ...p.env }
  const dbPath = homePaths(env.P2ENGINE_HOME).database
  const store = openStore(dbPath)
  try {
    const config = loadConfig({ configDir, env, dotenvPath: null })
    const spec = loadRolloutSpec(p.spec(file), { configDir, agents: config.agents.map((a) => a.id), evaluators: new EvaluatorRegistry(), tools: builtinRegistry().names(), strictTools: false })
    const repo = new SqliteRolloutStore(store)
    const ledger = config.settings.ledger.enabled ? { ledger: new EmbeddedLedger(store, { party: config.settings.ledger.partyId }) } : {}
    const deps: RolloutDeps = { repo, ...ledger, executor: (task) => runVariant(task), task: { dbPath, configDir, env, modelMode: 'record' } }
    const id = o.resume ?? (await createRollout(deps, { specFile: spec.file, source: spec.source, variants: spec.variants, options: { parallel: 2, strictTools: false, replay: false, taskTimeoutMs: 60_000 } })).id
    if (o.runner) repo.claim(id, o.runner)
    if (o.run) await runRollout(deps, id)
    return id
  } finally {
    await closeThreadContexts()
    store.close()
  }
}

describe('p2engine rollout: ledger figures, interrupted rollouts, ties, LEDGER_ENABLED', () => {
  // These tests read the tables' content; a wide terminal keeps every row on one line
  // (fitting 100 columns is tested in tableWidth.test.ts and rollout.test.ts).
  beforeEach(() => vi.stubEnv('COLUMNS', '300'))
  afterEach(() => vi.unstubAllEnvs())

  it('competitive payment: the paid agent’s received is 25.00, the tied team says "tie", not a best variant', async () => {
    const p = project()
    const id = await rolloutIn(p, 'rollout_competitive_payment.yml', { run: true })
    const r = await p.run('rollout', 'show', id)
    expect([r.code, r.err]).toEqual([0, ''])
    expect(r.out).toMatch(/│ reward_distributor │ merit_based_payment │ agent_alpha │ 0\.00\s+│ 25\.00\s+│ \+25\.00 │/)
    expect(r.out).toMatch(/│ agent_alpha │ 0\.00\s+│ 25\.00\s+│ \+25\.00\s+│/)
    expect(r.out).toMatch(/│ treasurer\s+│ 25\.00 │ 0\.00\s+│ -25\.00\s+│/)
    expect(r.out).toMatch(/│ problem_solvers\s+│ 2 \(0 failed\) │ tie 0\.000 \(solver_alpha, solver_beta\) │/)
    expect(r.out).not.toMatch(/0\.000 \(solver_alpha\) /)
    expect((await p.run('eval', 'top', id)).out).toContain('Tie: 2 variants share the top score 0.000 (problem_solvers/solver_alpha, problem_solvers/solver_beta).')
  })

  it('rollout list shows an interrupted rollout with the command that resumes it; resume finishes it; a second resume keeps every figure', async () => {
    const p = project()
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!
    const id = await rolloutIn(p, 'demo_rollout.yml', { runner: { pid: gone, host: hostname() } })
    const list = await p.run('rollout', 'list', '--json')
    expect(JSON.parse(list.out)).toEqual([{ id, name: expect.stringMatching(/^demo_rollout · /), spec: expect.stringMatching(/demo_rollout\.yml$/), status: 'interrupted', total: 2, done: 0, failed: 0, created: expect.any(String), resume: `p2engine rollout resume ${id}` }])
    expect((await p.run('rollout', 'list')).out).toContain(`⚠ ${id} is interrupted: continue it with \`p2engine rollout resume ${id}\``)
    expect((await p.run('rollout', 'show', id)).out).toContain(`⚠ interrupted: no process is running it. Continue with \`p2engine rollout resume ${id}\`.`)

    await rolloutIn(p, 'demo_rollout.yml', { resume: id, run: true })
    const shown = JSON.parse((await p.run('rollout', 'show', id, '--json')).out)
    expect(shown.rollout.status).toBe('done')
    expect(JSON.parse((await p.run('rollout', 'list', '--json')).out)[0].status).toBe('done')
    // Money moves elsewhere; resuming the finished rollout must not re-measure or re-snapshot it.
    expect((await p.run('ledger', 'transfer', 'agent_beta', 'agent_helper', '40')).code).toBe(0)
    const again = await p.run('rollout', 'resume', id)
    expect(again.code).toBe(0)
    expect(again.out).toContain(`Rollout ${id} is already done; nothing to resume.`)
    expect(again.out).toContain('No wallet changed.')
    expect(JSON.parse((await p.run('rollout', 'show', id, '--json')).out)).toEqual(shown)
  })

  it('a rollout whose runner is another live process is "running", and resume refuses to run it twice', async () => {
    const p = project()
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' })
    try {
      const id = await rolloutIn(p, 'demo_rollout.yml', { runner: { pid: other.pid!, host: hostname() } })
      expect(JSON.parse((await p.run('rollout', 'list', '--json')).out)[0].status).toBe('running')
      const r = await p.run('rollout', 'resume', id)
      expect(r.code).not.toBe(0)
      expect(r.err).toContain(`rollout ${id} is being run by process ${other.pid}`)
      // The process a `--nowait` start claimed the rollout for is this one: it may run it.
      expect(runByAnother({ status: 'running', runner: { pid: process.pid, host: hostname() } })).toBe(false)
      expect(runByAnother({ status: 'running', runner: { pid: other.pid!, host: hostname() } })).toBe(true)
    } finally {
      other.kill()
    }
  })

  it('LEDGER_ENABLED=false: one note line, no wallet tools, no money moves, the ledger tables say it is disabled', async () => {
    const p = project({ LEDGER_ENABLED: 'false' })
    const note = 'ℹ️  Ledger disabled (LEDGER_ENABLED=false): agents get no wallet tools and rollouts record no ledger figures.'
    const c = cliEnv()
    try {
      c.env.LEDGER_ENABLED = 'false'
      const chat = await c.run(['chat', 'with', 'agent_alpha', '--name', 'c1'], { input: ['Check my balance', 'Transfer 25 to agent_beta', 'exit'] })
      expect(chat.err.split('\n')).toEqual([note])
      expect(chat.out).not.toMatch(/check_balance|transfer_funds/)
      expect(chat.out).toContain('canned reply')
    } finally {
      c.cleanup()
    }
    const id = await rolloutIn(p, 'rollout_task_with_payment.yml', { run: true })
    const r = await p.run('rollout', 'show', id)
    expect(r.code).toBe(0)
    expect(r.out).toContain('Ledger: disabled for this rollout (LEDGER_ENABLED=false): no wallet tools, no transfers, no ledger figures.')
    expect(r.out).not.toContain('Wallet changes')
    expect(r.out).not.toContain('net flow')
    const history = await p.run('ledger', 'history', '--json')
    expect([JSON.parse(history.out), history.err]).toEqual([[], note])
  })
})

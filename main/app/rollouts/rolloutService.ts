import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { walletAgents } from '../../engine/ledger/walletAgents'
import { basename, join, resolve } from 'node:path'
import type { CompareRow, RolloutDetail, RolloutProgress, RolloutSummary, StartInput, SpecFile, Validation, VariantPhase } from '../../../preload/contract'
import { YAML_MAX_CHARS } from '../../../preload/contract'
import type { LoadedConfig } from '../../engine/config/types'
import { AppError, ConfigError, messageOf, UserInputError } from '../../engine/errors'
import { loadEvaluators, type EvaluatorRegistry } from '../../engine/evals/registry'
import type { LedgerClient } from '../../engine/ports/ledger'
import type { VariantExecutor } from '../../engine/rollouts/pool'
import { inThreadVariants } from '../../compose/inThreadVariants'
import type { ProcessLogging } from '../../logging/processLogging'
import { runByAnother } from '../../engine/rollouts/liveness'
import { readLimited } from '../../engine/config/readLimited'
import { onVariantPhase } from '../../engine/rollouts/phases'
import { createRollout, runRollout, type RolloutDeps } from '../../engine/rollouts/runner'
import { loadRolloutSpec, type CheckedSpec } from '../../engine/rollouts/spec'
import { mcpToolPrefixes } from '../../engine/config/mcpConfig'
import type { VariantRecord, VariantStatus } from '../../engine/rollouts/types'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import type { SqliteStore } from '../../storage/sqliteStore'
import { toSpecErrors } from './specErrors'
import { compareRows, exportText, toDetail, toSummary } from './views'

/** Agents the tools pay to or from besides the configured ones (same list as `p2engine ledger init`). */

/** Runs the variants: the single-writer in-thread executor in the app, an inline runner in tests. */
export type PoolFactory = (threads: number) => { run: VariantExecutor; close: () => Promise<void> }

export interface RolloutServiceOptions {
  config: LoadedConfig
  store: SqliteStore
  ledger: LedgerClient
  /** Registered tool names (for `strictTools` checks); the engine's registry. */
  toolNames: () => readonly string[]
  /** Receives every `rollouts:progressed` payload (the event bus). */
  publish: (progress: RolloutProgress) => void
  /** Environment the config was loaded from; the workers load theirs from it. */
  env?: NodeJS.ProcessEnv
  pool?: PoolFactory
  log?: (message: string) => void
  /** The host's logging: rollout lines to `app.log`, the pool's to `workers.log`. */
  logging?: Pick<ProcessLogging, 'logger' | 'workersLogger'>
}

/**
 * Rollouts for the desktop app and the browser host, composed like `p2engine rollout start`:
 * the spec is checked with `loadRolloutSpec`, created with `createRollout` and run in the
 * background with `runRollout` on the single-writer executor (variants in this thread, on the
 * app's connection). Every variant status change is published (no polling). Closing stops the
 * variants in flight without marking them failed, so an interrupted
 * rollout stays `running` and can be resumed.
 */
export class RolloutService {
  private readonly repo: SqliteRolloutStore
  private readonly active = new Map<string, Promise<void>>()
  private readonly pools = new Set<{ close: () => Promise<void> }>()
  /** The pool of each running rollout, and the rollouts being stopped. */
  private readonly poolOf = new Map<string, { close: () => Promise<void> }>()
  private readonly stopping = new Set<string>()
  private evaluators?: Promise<EvaluatorRegistry>
  private closing = false
  /** Live phase of each unsettled variant this host runs (`rollout\0team\0variant`). */
  private readonly phases = new Map<string, VariantPhase>()
  private stopPhases?: () => void
  /** Per running rollout: each variant's last known status, tokens and cost of the finished ones. */
  private readonly tallies = new Map<string, { status: Map<string, VariantStatus>; tokens: number; cost: number }>()

  constructor(private readonly o: RolloutServiceOptions) {
    this.repo = new SqliteRolloutStore(o.store)
  }

  list(limit = 50): RolloutSummary[] {
    return this.repo.list(limit).map((r) => toSummary(r, this.repo.variants(r.id), this.active.has(r.id)))
  }

  /** Every `*.yml`/`*.yaml` in the config folder whose top-level key is `teams:`. */
  files(): SpecFile[] {
    const dir = this.o.config.configDir
    let names: string[]
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort()
    } catch {
      return []
    }
    const out: SpecFile[] = []
    for (const name of names) {
      const path = join(dir, name)
      // Unreadable, not a regular file or over the YAML limit (bytes >= characters, so an offered
      // file is always legal to send back): not offered.
      const r = readLimited(path, YAML_MAX_CHARS)
      if ('text' in r && /^teams\s*:/m.test(r.text)) out.push({ name, path, text: r.text })
    }
    return out
  }

  /**
   * Checks YAML text as if it were the file `fileName`; every problem located by line and key.
   * A spec over `maxVariants` (default 10,000) is refused before it is expanded.
   */
  async validate(yaml: string, fileName: string, maxVariants?: number): Promise<Validation> {
    const r = await this.checkText(yaml, fileName, maxVariants)
    if ('errors' in r) return { ok: false, file: fileName, teams: [], variants: [], errors: r.errors }
    return {
      ok: true, file: fileName, errors: [],
      ...(r.spec.warnings.length ? { warnings: r.spec.warnings } : {}),
      teams: [...new Set(r.spec.variants.map((v) => v.teamId))],
      variants: r.spec.variants.map((v) => ({ team: v.teamId, variantId: v.id, agentId: v.agentId })),
    }
  }

  /** Checks the spec, creates the rollout and runs it in the background. */
  async start(input: StartInput): Promise<RolloutSummary> {
    this.assertOpen()
    let spec: CheckedSpec
    let specFile: string
    if (input.yaml !== undefined) {
      specFile = input.fileName ?? 'rollout.yml'
      const r = await this.checkText(input.yaml, specFile, input.maxVariants)
      if ('errors' in r) throw new ConfigError(r.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}${e.key ? ` ${e.key}` : ''}: ${e.message}`), 'ROLLOUT_SPEC')
      spec = r.spec
    } else {
      spec = await this.check(resolve(input.path!), input.maxVariants)
      specFile = spec.file
    }
    const parallel = input.parallel ?? Math.max(1, Math.min(8, spec.variants.length))
    const deps = this.deps()
    const { settings } = this.o.config
    const rollout = await createRollout(deps, {
      specFile, source: spec.source, variants: spec.variants,
      options: { parallel, strictTools: false, replay: false, taskTimeoutMs: 900_000, ...(input.samples ? { samples: input.samples } : {}) },
      walletAgents: walletAgents(this.o.config.agents), initialBalance: settings.ledger.initialBalance,
    })
    this.launch(rollout.id, parallel)
    return this.summary(rollout.id)
  }

  /** Continues the unfinished variants of a rollout this host is not running. */
  resume(id: string): RolloutSummary {
    this.assertOpen()
    const r = this.repo.get(id)
    if (this.active.has(id) || runByAnother(r)) throw new UserInputError(`rollout ${id} is already running`, 'ROLLOUT_RUNNING')
    if (!this.repo.variants(id).some((v) => v.status === 'queued' || v.status === 'running')) {
      throw new UserInputError(`rollout ${id} has no unfinished variants; nothing to resume`, 'ROLLOUT_FINISHED')
    }
    this.launch(id, r.spec.options.parallel)
    return this.summary(id)
  }

  /**
   * Stops a rollout this host runs: its workers are torn down, the variant in flight stays
   * unfinished (like a quit), so Resume runs the rest later. A rollout not running is left as is.
   */
  async stop(id: string): Promise<RolloutSummary> {
    this.repo.get(id)
    const run = this.active.get(id)
    if (run) {
      this.stopping.add(id)
      try {
        await this.poolOf.get(id)?.close().catch(() => undefined)
        await run
      } finally {
        this.stopping.delete(id)
      }
    }
    return this.summary(id)
  }

  get(id: string): RolloutDetail {
    return toDetail(this.repo.get(id), this.repo.variants(id), this.active.has(id), (team, variantId) => this.phases.get(phaseKey(id, team, variantId)))
  }

  compare(left: string, right: string): CompareRow[] {
    return compareRows(this.repo.variants(this.repo.get(left).id), this.repo.variants(this.repo.get(right).id))
  }

  export(id: string, format: 'json' | 'jsonl' | 'csv') {
    return exportText(this.repo.get(id), this.repo.variants(id), format)
  }

  /** Resolves when every rollout this host runs has ended (tests). */
  async whenIdle(): Promise<void> {
    while (this.active.size) await Promise.all([...this.active.values()])
  }

  /** Stops the workers; unfinished variants stay resumable. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true
    this.stopPhases?.()
    await Promise.all([...this.pools].map((p) => p.close().catch(() => undefined)))
    await Promise.all([...this.active.values()])
  }

  private summary(id: string): RolloutSummary {
    return toSummary(this.repo.get(id), this.repo.variants(id), this.active.has(id))
  }

  private assertOpen(): void {
    if (this.closing) throw new AppError('SHUTTING_DOWN', 'The app is shutting down; start the rollout again after the restart.')
  }

  private taskEnv(): Record<string, string> {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(this.o.env ?? process.env)) if (v !== undefined) env[k] = v
    const s = this.o.config.settings
    env.P2ENGINE_HOME = s.home
    env.LEDGER_BACKEND = s.ledger.backend
    // Saved settings (Settings screen, keychain) apply to the workers too.
    env.OPENAI_BASE_URL = s.llm.apiBase
    env.LLM_DEFAULT_MODEL = s.llm.defaultModel
    env.DEDUP_POLICY = s.dedupPolicy
    if (s.llm.apiKey) env.OPENAI_API_KEY = s.llm.apiKey
    return env
  }

  private deps(): RolloutDeps {
    const dbPath = this.o.store.location
    if (!this.o.pool && (dbPath === ':memory:' || !dbPath)) {
      throw new AppError('ROLLOUTS_UNAVAILABLE', 'Rollouts need the database file (variant workers open their own connection); this host runs on an in-memory store.')
    }
    return {
      // LEDGER_ENABLED=false: no wallets, snapshots or ledger figures (the workers have no wallet tools).
      repo: this.repo, ...(this.o.config.settings.ledger.enabled ? { ledger: this.o.ledger } : {}),
      executor: () => Promise.reject(new Error('no pool')),
      ...(this.o.logging ? { logger: this.o.logging.logger.child({ component: 'rollouts' }) } : {}),
      task: { dbPath, configDir: this.o.config.configDir, env: this.taskEnv(), modelMode: 'record' },
    }
  }

  private launch(id: string, parallel: number): void {
    // Single writer: the variants run in this thread on the app's connection. No group commit:
    // the chat engine writes through the same connection and its events must not wait for a batch.
    const inThread = (n: number) => inThreadVariants({
      store: this.o.store, ...(this.o.config.settings.ledger.enabled ? { ledger: this.o.ledger } : {}),
      ...(this.o.logging ? { logger: this.o.logging.workersLogger } : {}), parallel: n, groupCommit: false,
    })
    const pool = (this.o.pool ?? inThread)(parallel)
    this.pools.add(pool)
    this.poolOf.set(id, pool)
    this.listenToPhases()
    const halted = () => this.closing || this.stopping.has(id)
    const executor: VariantExecutor = async (task, signal) => {
      if (halted()) return { status: 'killed' }
      // Handed to a worker that may still be booting: "starting" until it says it runs.
      this.phases.set(phaseKey(id, task.team, task.variantId), 'starting')
      this.publish(id, { team: task.team, variantId: task.variantId, status: 'running', phase: 'starting' })
      try {
        return await pool.run(task, signal)
      } catch (err) {
        // A pool torn down by close() or stop(): the variant is interrupted, not failed (resume reruns it).
        if (halted()) return { status: 'killed' }
        throw err
      }
    }
    const deps: RolloutDeps = {
      ...this.deps(), executor,
      onSettled: (team, variantId) => {
        this.phases.delete(phaseKey(id, team, variantId))
        if (!halted()) this.publishVariant(id, this.repo.variant(id, team, variantId))
      },
    }
    this.publish(id, null)
    const run = (async () => {
      try {
        await runRollout(deps, id)
      } catch (err) {
        if (!this.closing) {
          this.o.log?.(`rollout ${id} stopped: ${messageOf(err)}`)
          this.repo.setStatus(id, 'failed')
        }
      } finally {
        this.pools.delete(pool)
        this.poolOf.delete(id)
        await pool.close().catch(() => undefined)
        this.active.delete(id)
        if (!this.closing) this.publish(id, null)
      }
    })()
    this.active.set(id, run)
  }

  /** Worker threads post `running`/`judging`; only variants this host is running now are shown. */
  private listenToPhases(): void {
    this.stopPhases ??= onVariantPhase((m) => {
      const key = phaseKey(m.rolloutId, m.team, m.variantId)
      // A late message after the variant settled (or from another host's rollout) is ignored.
      if (this.closing || !this.active.has(m.rolloutId) || !this.phases.has(key) || this.phases.get(key) === m.phase) return
      if (m.phase === 'running' && this.phases.get(key) === 'judging') return
      this.phases.set(key, m.phase)
      this.publish(m.rolloutId, { team: m.team, variantId: m.variantId, status: 'running', phase: m.phase })
    })
  }

  private publishVariant(id: string, v: VariantRecord): void {
    this.publish(id, {
      team: v.team, variantId: v.variantId, status: v.status, phase: v.status,
      totalTokens: v.metrics?.usage.totalTokens ?? null, costUsd: v.metrics?.usage.costUsd ?? null, score: v.metrics?.score ?? null, error: v.error,
    })
  }

  /**
   * Pushes a progress event. Counts and totals come from a tally kept per running rollout (one
   * read when it starts, then updated from its own events), so an event costs the same for 2 or
   * 2,000 variants; rollout-level events (start, end) re-read the rows.
   */
  private publish(id: string, variant: Partial<NonNullable<RolloutProgress['variant']>> & Pick<NonNullable<RolloutProgress['variant']>, 'team' | 'variantId' | 'status'> | null): void {
    try {
      const r = this.repo.get(id)
      let t = this.tallies.get(id)
      if (!variant || !t) {
        const variants = this.repo.variants(id)
        t = {
          status: new Map(variants.map((v) => [phaseKey(id, v.team, v.variantId), v.status])),
          tokens: variants.reduce((s, v) => s + (v.metrics?.usage.totalTokens ?? 0), 0),
          cost: variants.reduce((s, v) => s + (v.metrics?.usage.costUsd ?? 0), 0),
        }
        if (this.active.has(id)) this.tallies.set(id, t)
        else this.tallies.delete(id)
      }
      if (variant) {
        const key = phaseKey(id, variant.team, variant.variantId)
        const before = t.status.get(key)
        // Handed to a worker counts as running even before the worker marks its row.
        if (variant.status === 'running') {
          if (before === 'queued') t.status.set(key, 'running')
        } else if (variant.status !== before) {
          t.status.set(key, variant.status)
          if (variant.status === 'done' || variant.status === 'failed') {
            t.tokens += variant.totalTokens ?? 0
            t.cost += variant.costUsd ?? 0
          }
        }
      }
      const counts = { queued: 0, running: 0, done: 0, failed: 0 }
      for (const st of t.status.values()) counts[st]++
      this.o.publish({
        rolloutId: id, status: r.status,
        variant: variant ? { totalTokens: null, costUsd: null, score: null, error: null, ...variant } : null,
        counts, totalTokens: t.tokens, costUsd: t.cost,
      })
    } catch (err) {
      this.o.log?.(`rollout ${id}: progress not published: ${messageOf(err)}`)
    }
  }

  private async check(path: string, maxVariants?: number): Promise<CheckedSpec> {
    this.evaluators ??= loadEvaluators(this.o.config.configDir)
    return loadRolloutSpec(path, {
      configDir: this.o.config.configDir, agents: this.o.config.agents.map((a) => a.id), evaluators: await this.evaluators,
      tools: this.o.toolNames(), toolPrefixes: mcpToolPrefixes(this.o.config.mcpServers), strictTools: false, ...(maxVariants ? { maxVariants } : {}),
    })
  }

  /** Checks text through a temp copy named like the user's file; problems renamed back. */
  private async checkText(yaml: string, fileName: string, maxVariants?: number): Promise<{ spec: CheckedSpec } | { errors: Validation['errors'] }> {
    const dir = mkdtempSync(join(tmpdir(), 'p2e-spec-'))
    const path = join(dir, basename(fileName))
    try {
      writeFileSync(path, yaml)
      const spec = await this.check(path, maxVariants)
      // Warnings name the user's file, not the temp copy.
      return { spec: { ...spec, warnings: spec.warnings.map((w) => w.split(path).join(fileName)) } }
    } catch (err) {
      if (err instanceof ConfigError) return { errors: toSpecErrors(err.problems, path, fileName) }
      if (err instanceof AppError) return { errors: [{ file: fileName, line: null, team: null, variant: null, key: null, message: err.message.split(path).join(fileName) }] }
      throw err
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const phaseKey = (rolloutId: string, team: string, variantId: string): string => `${rolloutId}\u0000${team}\u0000${variantId}`

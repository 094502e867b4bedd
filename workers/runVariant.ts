import { z } from 'zod'
import { composeEngine } from '../main/compose/engine'
import { deferredLogger, loadHostTools } from '../main/compose/customTools'
import { loadConfig } from '../main/engine/config/load'
import { messageOf } from '../main/engine/errors'
import { loadEvaluators } from '../main/engine/evals/registry'
import type { LedgerClient } from '../main/engine/ports/ledger'
import { executeVariant } from '../main/engine/rollouts/executeVariant'
import { postVariantPhase } from '../main/engine/rollouts/phases'
import type { VariantTask, VariantTaskResult } from '../main/engine/rollouts/repository'
import type { ExpandedVariant } from '../main/engine/schema/rollout'
import { cantonLedgerFromSettings } from '../main/ledger/canton/fromSettings'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import type { Logger } from '../main/engine/ports/logger'
import { errorFields } from '../main/compose/logging'
import { workerLogger } from '../main/logging/workerLogging'
import { resolveLoggingSettings } from '../main/logging/settings'
import { knownSecrets } from '../main/logging/redact'
import { openStore } from '../main/storage/sqliteStore'
import { flushTelemetry, startTelemetry } from '../main/telemetry/otel'

const TaskSchema = z.strictObject({
  dbPath: z.string().min(1),
  configDir: z.string().min(1),
  env: z.record(z.string(), z.string()),
  rolloutId: z.string().min(1),
  team: z.string().min(1),
  variantId: z.string().min(1),
  modelMode: z.enum(['record', 'replay']),
  samples: z.int().min(1).optional(),
  traceparent: z.string().max(100).optional(),
  inject: z.enum(['throw', 'hang', 'die_after_transfer', 'die_after_judge']).optional(),
})

interface ThreadContext {
  store: ReturnType<typeof openStore>
  repo: SqliteRolloutStore
  config: ReturnType<typeof loadConfig>
  ledger: LedgerClient
  evaluators: Awaited<ReturnType<typeof loadEvaluators>>
  engine: ReturnType<typeof composeEngine>
  log: Logger
  /** MCP servers that failed to start (told once per thread): the next variant's row shows them. */
  toolProblems: string[]
}

/**
 * One store connection, config, ledger client and engine per worker thread and task setup,
 * reused by the thread's later tasks (the engine runs many conversations; rebuilding all of it
 * per variant cost more CPU than the variant itself).
 */
const contexts = new Map<string, Promise<ThreadContext>>()
const specs = new Map<string, ExpandedVariant[]>()

async function contextFor(task: z.infer<typeof TaskSchema>): Promise<ThreadContext> {
  const key = JSON.stringify([task.dbPath, task.configDir, task.env, task.modelMode])
  let c = contexts.get(key)
  if (!c) {
    c = (async () => {
      const store = openStore(task.dbPath)
      // The config folder's custom tools, loaded before its agents are checked against tool names.
      let log: Logger | undefined
      const tools = loadHostTools(task.configDir, { logger: deferredLogger(() => log!) })
      const config = loadConfig({ configDir: task.configDir, env: task.env, tools: tools.names })
      const { settings } = config
      log = workerLogger({ home: settings.home, level: resolveLoggingSettings(config, task.env).workerLevel, secrets: knownSecrets(config, task.env) })
      log.info('worker started', { db: task.dbPath, backend: settings.ledger.backend, modelMode: task.modelMode })
      for (const problem of tools.problems) log.warn('custom tool not loaded', { problem })
      const ledger = settings.ledger.backend === 'canton' ? cantonLedgerFromSettings(settings, task.env) : new EmbeddedLedger(store, { party: settings.ledger.partyId })
      const evaluators = await loadEvaluators(task.configDir)
      const toolProblems: string[] = []
      const engine = composeEngine({ store, config, ledger, modelMode: task.modelMode, logger: log, toolSources: tools.sources, env: task.env, onToolProblem: (m) => toolProblems.push(m) })
      return { store, repo: new SqliteRolloutStore(store), config, ledger, evaluators, engine, log, toolProblems }
    })()
    contexts.set(key, c)
    c.catch(() => contexts.delete(key))
  }
  return c
}

/** Closes every cached context of this thread (tests running tasks inline; pool shutdown). */
export async function closeThreadContexts(): Promise<void> {
  const all = [...contexts.values()]
  contexts.clear()
  for (const p of all) {
    const c = await p.catch(() => null)
    if (!c) continue
    c.engine.close()
    await c.engine.deps.tools.close() // this thread's MCP servers
    await c.ledger.close()
    c.store.close()
    c.log.info('worker context closed')
  }
}

/**
 * Piscina task: runs ONE rollout variant on the thread's own store connection and engine, stores
 * the row (done or failed) and returns its status. Also called directly (inline executor, tests).
 */
export default async function runVariant(raw: VariantTask): Promise<VariantTaskResult> {
  const task = TaskSchema.parse(raw)
  // Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the thread shares the process's environment).
  await startTelemetry('rollout-worker')
  const ctx = await contextFor(task)
  const { repo, engine } = ctx
  const log = ctx.log.child({ rollout: task.rolloutId, team: task.team, variant: task.variantId })
  const started = Date.now()
  log.info('variant started')
  let killed = false
  const bugs: string[] = []
  const onBug = (e: { key: string; error: unknown }) => {
    if (e.key.startsWith(`rollout:${task.rolloutId}:${task.team}:${task.variantId}\u0000`)) bugs.push(messageOf(e.error))
  }
  engine.events.on('error', onBug)
  try {
    // A rollout's spec never changes: decode it once per thread, not once per variant.
    let variants = specs.get(task.rolloutId)
    if (!variants) specs.set(task.rolloutId, (variants = repo.get(task.rolloutId).spec.variants))
    const variant = variants.find((v) => v.teamId === task.team && v.id === task.variantId)
    if (!variant) throw new Error(`rollout ${task.rolloutId} has no variant ${task.team}/${task.variantId}`)
    if (task.inject === 'throw') throw new Error('injected crash')
    if (task.inject === 'hang') await new Promise(() => {})
    let dieNow: () => void = () => {}
    const die = new Promise<never>((_, reject) => {
      dieNow = () => {
        killed = true
        // The "process" dies: this context is gone; a model call still in flight fails quietly.
        contexts.clear()
        engine.close()
        void engine.deps.tools.close()
        engine.events.on('error', () => {})
        reject(new Error('killed'))
      }
      if (task.inject !== 'die_after_transfer') return
      engine.events.on('tool:end', (t) => {
        if (t.name === 'transfer_funds' && t.conversationId.includes(`:${task.variantId}`)) dieNow()
      })
    })
    const metrics = await Promise.race([
      executeVariant({
        engine, ...(ctx.config.settings.ledger.enabled ? { ledger: ctx.ledger } : {}), evaluators: ctx.evaluators, configDir: task.configDir, rolloutId: task.rolloutId, variant,
        ...(task.samples ? { samples: task.samples } : {}),
        ...(task.traceparent ? { traceparent: task.traceparent } : {}),
        onStarted: (cid) => {
          repo.markRunning(task.rolloutId, task.team, task.variantId, cid)
          postVariantPhase({ rolloutId: task.rolloutId, team: task.team, variantId: task.variantId, phase: 'running' })
        },
        onJudging: () => postVariantPhase({ rolloutId: task.rolloutId, team: task.team, variantId: task.variantId, phase: 'judging' }),
        ...(task.inject === 'die_after_judge' ? { afterEvaluate: () => { dieNow(); return die } } : {}),
      }),
      die,
    ])
    metrics.errors.push(...bugs, ...ctx.toolProblems.splice(0))
    repo.markDone(task.rolloutId, task.team, task.variantId, metrics)
    log.info('variant finished', { ms: Date.now() - started, errors: metrics.errors.length })
    return { status: 'done' }
  } catch (err) {
    if (killed) {
      log.warn('variant killed', { ms: Date.now() - started })
      return { status: 'killed' }
    }
    const error = messageOf(err)
    log.error('variant failed', { ms: Date.now() - started, ...errorFields(err) })
    repo.markFailed(task.rolloutId, task.team, task.variantId, error)
    return { status: 'failed', error }
  } finally {
    engine.events.off('error', onBug)
    // An idle worker thread is ended by the pool: its spans leave with each task.
    await flushTelemetry()
  }
}

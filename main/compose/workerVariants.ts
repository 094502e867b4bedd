import { join } from 'node:path'
import { messageOf, UserInputError } from '../engine/errors'
import { homePaths } from '../engine/paths'
import { bundleSecrets } from '../bundles/secrets'
import { buildBundle } from '../bundles/service'
import { sha256 } from '../bundles/write'
import { noopLogger, type Logger } from '../engine/ports/logger'
import type { JobContext, ReceivedVariantJob } from '../engine/ports/jobQueue'
import type { ConcurrencyPort } from '../engine/ports/concurrency'
import type { LedgerClient } from '../engine/ports/ledger'
import type { VariantTask } from '../engine/rollouts/repository'
import { variantConversationId } from '../engine/rollouts/types'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import type { SqliteStore } from '../storage/sqliteStore'
import { cachedStatement } from '../storage/statementCache'
import { materialiseSnapshot } from '../scaleout/configSnapshot'
import { JOB_BODY_VERSION, parseJobBody, parseSharedSnapshot, splitJobVariantId, type VariantJobBody, type VariantJobResultBody } from '../scaleout/variantJob'
import { buildVariantContext, closeContexts, type VariantContext } from './variantContext'
import { SEQ_OF_ID } from '../storage/stacks/conversationIds'
import { runVariantWith } from './variantTask'

/** Idle engine contexts (one per rollout config) a worker keeps for the next jobs; older idle ones are closed. */
export const IDLE_CONTEXTS = 2

export interface WorkerVariantsOptions {
  /** The worker's own database (its P2ENGINE_HOME): the one writer for every job it runs. */
  store: SqliteStore
  home: string
  /** The worker's environment (its API keys, base URLs); the job's ledger switch and backend are set on top. */
  env: Record<string, string>
  logger?: Logger
  /** Jobs in flight at once (the model-call limit per provider is raised to it). */
  concurrency: number
  /**
   * The ledger a job pays into when the coordinator runs the embedded ledger: the coordinator's,
   * remotely (main/scaleout/remoteLedger.ts). With Canton the worker builds its own client from
   * the job's settings; with the ledger off, none.
   */
  embeddedLedger?: () => Promise<LedgerClient>
  /**
   * Model-call slots shared by every worker on the same Redis (`composeModelLimits`): the provider's
   * limit (P2ENGINE_MODEL_CONCURRENCY) then holds across workers, adaptive on 429s. Absent: this
   * worker's own limit, raised to its concurrency.
   */
  modelSlots?: ConcurrencyPort
  /** Fetches a config snapshot shared by hash (JobQueuePort.fetchBlob), for jobs that carry `configRef`. */
  fetchBlob?: (sha256: string) => Promise<string | undefined>
  /**
   * Stores a job's result bundle next to the job (JobQueuePort.putResult); the result then names it
   * by SHA-256 instead of carrying it inline (base64), so the queue's event stream stays small.
   */
  putResult?: (jobId: string, bytes: Buffer) => Promise<void>
  /** Called as a job moves on (phase and 0..100), for the worker's progress view. */
  onPhase?: (jobId: string, phase: 'config' | 'running' | 'bundling', progress: number) => void
}

/**
 * What the job's variant needs locally: a rollout row with the coordinator's id (its spec lists
 * the first variant this worker got) and a row for this variant.
 */
function ensureLocalRollout(repo: SqliteRolloutStore, store: SqliteStore, rolloutId: string, body: VariantJobBody): void {
  const spec = { source: body.source, variants: [body.variant], options: { ...body.options, ...(body.ledger.enabled ? {} : { ledgerEnabled: false }) } }
  store.write(() => {
    if (!cachedStatement(store.db, 'SELECT 1 FROM rollouts WHERE id = ?').get(rolloutId)) {
      repo.create({ id: rolloutId, specFile: body.specFile, spec, ledgerBefore: null })
      return
    }
    if (cachedStatement(store.db, 'SELECT 1 FROM rollout_variants WHERE rollout_id = ? AND team = ? AND variant_id = ?').get(rolloutId, body.variant.teamId, body.variant.id)) return
    repo.addVariantRow(rolloutId, body.variant)
  })
}

/**
 * Runs variant jobs on this worker (the single-writer executor of main/compose/inThreadVariants.ts,
 * on the worker's own engine and database): writes the job's config snapshot under
 * `<home>/jobs/<rollout>/`, records the variant in a local rollout row with the coordinator's
 * rollout id (so the conversation id is the same), runs it, and returns its row's outcome with
 * the variant's conversation as a bundle (stored next to the job with `putResult`, else inline as base64).
 */
export function workerVariants(o: WorkerVariantsOptions): { run: (job: ReceivedVariantJob, ctx: JobContext) => Promise<VariantJobResultBody>; openContexts: () => number; close: () => Promise<void> } {
  const log = o.logger ?? noopLogger
  const repo = new SqliteRolloutStore(o.store)
  const contexts = new Map<string, Promise<VariantContext>>()
  /** The secrets a context's bundles are scrubbed of: its config, `.env` and environment (read once, not per job). */
  const secretsOf = new WeakMap<VariantContext, string[]>()
  const dbPath = homePaths(o.home).database
  let ledger: Promise<LedgerClient> | undefined
  let ledgerClient: LedgerClient | undefined
  /** Jobs running on each context: a context with none is idle, and only the newest idle ones are kept. */
  const holders = new Map<string, number>()
  const contextKey = (configDir: string, env: Record<string, string>, body: VariantJobBody): string => JSON.stringify([configDir, env.LEDGER_ENABLED, env.LEDGER_BACKEND, body.modelMode])
  const contextFor = (key: string, configDir: string, env: Record<string, string>, body: VariantJobBody): Promise<VariantContext> => {
    let c = contexts.get(key)
    if (c) {
      // Most recently used last: eviction takes the oldest idle context first.
      contexts.delete(key)
      contexts.set(key, c)
    }
    if (!c) {
      const remote = body.ledger.enabled && body.ledger.backend === 'embedded' && o.embeddedLedger ? (ledger ??= o.embeddedLedger().then((l) => (ledgerClient = l))) : undefined
      c = (remote ?? Promise.resolve(undefined)).then((l) => buildVariantContext({ configDir, env, modelMode: body.modelMode }, {
        store: o.store, log, groupCommit: true, modelThread: o.concurrency >= 8,
        // Shared slots: the configured limit is the whole cluster's, so it is not raised per worker.
        ...(o.modelSlots ? { modelSlots: o.modelSlots } : { modelConcurrencyFloor: o.concurrency }),
        ...(l ? { ledger: l } : {}),
        kill: () => contexts.delete(key),
      }))
      contexts.set(key, c)
      c.catch(() => contexts.delete(key))
    }
    return c
  }

  // A shared snapshot is fetched, checked and written once per rollout and hash, not once per job.
  const sharedDirs = new Map<string, Promise<string>>()
  const configDirFor = (job: ReceivedVariantJob, body: VariantJobBody): Promise<string> => {
    const root = join(o.home, 'jobs', encodeURIComponent(job.rolloutId))
    if (body.config) return Promise.resolve(materialiseSnapshot(root, job.jobId, body.config))
    const ref = body.configRef!
    const key = `${root}\0${ref}`
    let dir = sharedDirs.get(key)
    if (!dir) {
      if (!o.fetchBlob) return Promise.reject(new UserInputError(`job ${job.jobId}: its config snapshot is shared by hash and this worker cannot fetch it`, 'BAD_JOB'))
      dir = o.fetchBlob(ref).then((text) => materialiseSnapshot(root, job.jobId, parseSharedSnapshot(job.jobId, ref, text)))
      sharedDirs.set(key, dir)
      dir.catch(() => sharedDirs.delete(key))
    }
    return dir
  }

  /**
   * Runs `fn` on the context for `key`, held from before any await (an eviction never closes a
   * context a job is about to use). Afterwards, idle contexts beyond the newest IDLE_CONTEXTS are
   * closed: every rollout has its own config folder, hence its own context (engine, model thread),
   * and a long-running worker must not keep one per rollout it ever ran.
   */
  const withContext = async <T>(key: string, configDir: string, env: Record<string, string>, body: VariantJobBody, fn: (ctx: VariantContext) => Promise<T>): Promise<T> => {
    holders.set(key, (holders.get(key) ?? 0) + 1)
    try {
      return await fn(await contextFor(key, configDir, env, body))
    } finally {
      const left = (holders.get(key) ?? 1) - 1
      if (left > 0) holders.set(key, left)
      else holders.delete(key)
      evictIdle()
    }
  }
  const evictIdle = (): void => {
    const idle = [...contexts.keys()].filter((k) => !holders.has(k))
    const evicted = new Map<string, Promise<VariantContext>>()
    for (const k of idle.slice(0, Math.max(0, idle.length - IDLE_CONTEXTS))) {
      evicted.set(k, contexts.get(k)!)
      contexts.delete(k)
    }
    if (!evicted.size) return
    // Closed a moment later, off the path that sends the job's result back.
    for (const [k, c] of evicted) retiring.set(k + '#' + ++retired, c)
    retireTimer ??= setTimeout(retire, 1000)
    retireTimer.unref?.()
  }
  const retiring = new Map<string, Promise<VariantContext>>()
  let retired = 0
  let retireTimer: ReturnType<typeof setTimeout> | undefined
  const retire = (): Promise<void> => {
    if (retireTimer) clearTimeout(retireTimer)
    retireTimer = undefined
    const batch = new Map(retiring)
    retiring.clear()
    return closeContexts(batch, ledgerClient).catch((err) => log.warn('idle variant context not closed', { err: { message: messageOf(err) } }))
  }

  const run = async (job: ReceivedVariantJob, jctx: JobContext): Promise<VariantJobResultBody> => {
    const startedAt = Date.now()
    const body = parseJobBody(job.jobId, job.body)
    const { team, variantId } = splitJobVariantId(job.jobId, job.variantId)
    o.onPhase?.(job.jobId, 'config', 5)
    const configDir = await configDirFor(job, body)
    const env = { ...o.env, P2ENGINE_HOME: o.home, LEDGER_ENABLED: String(body.ledger.enabled), LEDGER_BACKEND: body.ledger.backend }
    ensureLocalRollout(repo, o.store, job.rolloutId, body)
    return withContext(contextKey(configDir, env, body), configDir, env, body, async (ctx) => {
      // The variants this worker runs are known from their jobs: the local spec lists only the first.
      const known = ctx.specs.get(job.rolloutId)
      if (!known) ctx.specs.set(job.rolloutId, [body.variant])
      else if (!known.some((v) => v.teamId === team && v.id === variantId)) known.push(body.variant)
      const task: VariantTask = {
        dbPath, configDir, env, rolloutId: job.rolloutId, team, variantId, modelMode: body.modelMode,
        ...(body.options.samples ? { samples: body.options.samples } : {}),
      }
      o.onPhase?.(job.jobId, 'running', 10)
      await jctx.heartbeat(10)
      const beat = setInterval(() => void jctx.heartbeat(50).catch(() => undefined), 2000)
      let outcome
      try {
        outcome = await runVariantWith(ctx, task, AbortSignal.any([jctx.signal, AbortSignal.timeout(body.options.taskTimeoutMs)]))
      } catch (err) {
        if (!jctx.signal.aborted) {
          const reason = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError') ? `variant task stopped after ${body.options.taskTimeoutMs / 1000} s (timeout)` : null
          if (reason) repo.markFailed(job.rolloutId, team, variantId, reason)
          else throw err
        } else throw err
      } finally {
        clearInterval(beat)
      }
      if (outcome?.status === 'killed') throw new Error(`job ${job.jobId}: the variant's engine was stopped`)
      o.onPhase?.(job.jobId, 'bundling', 90)
      await jctx.heartbeat(90)
      const row = repo.variant(job.rolloutId, team, variantId)
      const conversationId = row.conversationId ?? variantConversationId(job.rolloutId, team, variantId)
      const hasConversation = cachedStatement(o.store.db, `SELECT 1 FROM conversations WHERE seq = ${SEQ_OF_ID}`).get(conversationId) !== undefined
      // Only the conversation (entries, artifacts, recordings): the coordinator has the config and owns the rows.
      // Stored, not deflated: a few KB in ~16 entries, where zlib's per-entry setup cost more CPU (worker and
      // coordinator) than the bytes saved in Redis.
      const config = { ...ctx.config, configDir: '' }
      let secrets = secretsOf.get(ctx)
      if (!secrets) secretsOf.set(ctx, (secrets = bundleSecrets(config, env)))
      const bundle = hasConversation ? await buildBundle({ store: o.store, home: o.home, config, env, secrets }, { conversations: [conversationId], ownRecordings: true }, 0) : null
      const stored = bundle && o.putResult ? { sha256: sha256(bundle.bytes), bytes: bundle.bytes.length } : undefined
      if (stored) await o.putResult!(job.jobId, bundle!.bytes)
      return {
        v: JOB_BODY_VERSION,
        status: row.status === 'done' ? 'done' : 'failed',
        error: row.status === 'done' ? null : (row.error ?? `variant ended as ${row.status}`),
        metrics: row.metrics,
        conversationId: hasConversation ? conversationId : null,
        bundle: bundle && !stored ? bundle.bytes.toString('base64') : '',
        ...(stored ? { bundleRef: stored } : {}),
        startedAt,
        finishedAt: Date.now(),
      }
    })
  }

  return {
    run,
    /** Engine contexts open now (running or idle). */
    openContexts: () => contexts.size,
    close: async () => {
      await retire()
      await closeContexts(contexts, ledgerClient)
      await ledgerClient?.close()
    },
  }
}

import { setMaxListeners } from 'node:events'
import { importVariantResult } from '../bundles/importVariant'
import type { BundleHost } from '../bundles/service'
import { sha256 } from '../bundles/write'
import { messageOf, UserInputError } from '../engine/errors'
import type { JobQueuePort, VariantJobResult } from '../engine/ports/jobQueue'
import { noopLogger, type Logger } from '../engine/ports/logger'
import type { VariantExecutor } from '../engine/rollouts/pool'
import { variantConversationId, type RolloutRecord } from '../engine/rollouts/types'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import { JOB_BODY_VERSION, jobVariantId, parseJobResult, type VariantJobBody } from '../scaleout/variantJob'
import type { ConfigSnapshot } from '../scaleout/variantJob'

/** A result bundle stored next to its job (JobQueuePort.putResult), checked against the SHA-256 the signed result names. */
async function storedBundle(queue: JobQueuePort, jobId: string, ref: { sha256: string; bytes: number }): Promise<Buffer> {
  const bytes = await queue.fetchResult?.(jobId)
  if (!bytes) throw new UserInputError(`job ${jobId}: its result bundle is no longer in Redis (finished jobs wait 7 days for their coordinator); result not imported`, 'BAD_JOB_RESULT')
  if (bytes.length !== ref.bytes || sha256(bytes) !== ref.sha256) throw new UserInputError(`job ${jobId}: its result bundle in Redis differs from the one the worker signed (SHA-256); result not imported`, 'BAD_JOB_RESULT')
  return bytes
}

type Settled = { jobId: string; ok: true; result: VariantJobResult } | { jobId: string; ok: false; error: string }

export interface QueuedVariantsOptions {
  queue: JobQueuePort
  /** The coordinator's store, home and settings: remote results are imported here. */
  host: BundleHost
  /** The config folder snapshot every job of this rollout carries (built once). */
  snapshot: (rollout: RolloutRecord) => ConfigSnapshot
  ledger: VariantJobBody['ledger']
  modelMode: VariantJobBody['modelMode']
  logger?: Logger
  /** Per variant: enqueue → picked up by a worker, and worker finished → imported here (ms). */
  onTiming?: (t: { jobId: string; queuedMs: number; importMs: number }) => void
}

/**
 * The scale-out executor (issue 14): instead of running a variant here, it enqueues the variant
 * as a signed job (job id `rolloutId:team/variant`, so enqueuing it again runs nothing twice),
 * waits for a worker to settle it, imports the returned bundle and metrics into this store and
 * marks the variant row with the worker's name. A job that already settled (the coordinator was
 * down meanwhile) is taken from the queue's stored outcome. `close()` leaves the job to the
 * workers; a later `rollout resume` picks its result up.
 */
export function queuedVariants(o: QueuedVariantsOptions): { run: VariantExecutor; close: () => Promise<void> } {
  const log = o.logger ?? noopLogger
  const waiters = new Map<string, (s: Settled) => void>()
  const listening = o.queue.onSettled((s) => waiters.get(s.jobId)?.(s))
  // Live view: a row turns `running` when a worker takes its job, as it does for a local variant.
  const starting = new Map<string, () => void>()
  const watching = o.queue.onStarted?.((jobId) => starting.get(jobId)?.()) ?? Promise.resolve(() => undefined)
  const repo = new SqliteRolloutStore(o.host.store)
  const snapshots = new Map<string, { snap: ConfigSnapshot; ref: Promise<string> | undefined }>()
  const rollouts = new Map<string, RolloutRecord>()
  const closing = new AbortController()
  // Every variant in flight (all of them, with workers) listens for the close: no listener cap.
  setMaxListeners(0, closing.signal)

  const settle = async (task: Parameters<VariantExecutor>[0], s: Settled, enqueuedAt: number): Promise<{ status: 'done' | 'failed'; error?: string }> => {
    if (!s.ok) {
      repo.markFailed(task.rolloutId, task.team, task.variantId, `worker job failed: ${s.error}`)
      return { status: 'failed', error: s.error }
    }
    const r = parseJobResult(s.jobId, s.result.body)
    let bundle: Buffer
    try {
      bundle = r.bundleRef ? await storedBundle(o.queue, s.jobId, r.bundleRef) : Buffer.from(r.bundle, 'base64')
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err
      repo.markFailed(task.rolloutId, task.team, task.variantId, `worker job failed: ${err.message}`)
      return { status: 'failed', error: err.message }
    }
    await importVariantResult(o.host, {
      rolloutId: task.rolloutId, team: task.team, variantId: task.variantId, worker: s.result.worker,
      status: r.status, error: r.error, metrics: r.metrics, conversationId: r.conversationId,
      bundle, ...(r.bundleRef ? { bundleSha256: r.bundleRef.sha256 } : {}), startedAt: r.startedAt, finishedAt: r.finishedAt, label: `job ${s.jobId}`,
    })
    // Imported (committed here): Redis no longer needs to keep the bundle.
    if (r.bundleRef) o.queue.release?.(s.jobId).catch((err) => log.warn('result bundle not released', { job: s.jobId, err: { message: messageOf(err) } }))
    o.onTiming?.({ jobId: s.jobId, queuedMs: r.startedAt - enqueuedAt, importMs: Date.now() - r.finishedAt })
    return r.status === 'done' ? { status: 'done' } : { status: 'failed', error: r.error ?? 'failed' }
  }

  const run: VariantExecutor = async (task, signal) => {
    await Promise.all([listening, watching])
    // A rollout's spec never changes: decoded once, not once per variant (200 variants: 200 decodes of 200).
    let rollout = rollouts.get(task.rolloutId)
    if (!rollout) rollouts.set(task.rolloutId, (rollout = repo.get(task.rolloutId)))
    const variant = rollout.spec.variants.find((v) => v.teamId === task.team && v.id === task.variantId)
    if (!variant) throw new Error(`rollout ${task.rolloutId} has no variant ${task.team}/${task.variantId}`)
    let snapshot = snapshots.get(rollout.id)
    if (!snapshot) {
      const snap = o.snapshot(rollout)
      // Shared once per rollout (~12 KB for the shipped config) when the queue can: jobs carry its hash.
      snapshots.set(rollout.id, (snapshot = { snap, ref: o.queue.shareBlob?.(JSON.stringify(snap)) }))
      snapshot.ref?.catch(() => snapshots.delete(rollout!.id))
    }
    const configRef = await snapshot.ref
    const jobId = `${task.rolloutId}:${jobVariantId(task.team, task.variantId)}`
    const enqueuedAt = Date.now()
    const settled = new Promise<Settled>((resolve) => waiters.set(jobId, resolve))
    starting.set(jobId, () => {
      // Only while the row is open (an 'active' event can trail the result).
      if (repo.variant(task.rolloutId, task.team, task.variantId).status !== 'queued') return
      repo.markRunning(task.rolloutId, task.team, task.variantId, variantConversationId(task.rolloutId, task.team, task.variantId))
    })
    try {
      const body: VariantJobBody = {
        v: JOB_BODY_VERSION, specFile: rollout.specFile, source: rollout.spec.source, variant, options: rollout.spec.options,
        ledger: o.ledger, modelMode: o.modelMode, ...(configRef ? { configRef } : { config: snapshot.snap }), enqueuedAt,
      }
      const { created } = await o.queue.enqueue({ rolloutId: task.rolloutId, variantId: jobVariantId(task.team, task.variantId), body })
      if (!created) {
        // Enqueued before (a resume): its result may have arrived while nobody was listening.
        const done = await o.queue.outcome(jobId)
        if (done) return await settle(task, { ...done, jobId }, enqueuedAt)
        log.info('variant job already queued', { job: jobId })
      }
      // The runner's per-variant deadline is not applied here: a job may wait in the queue for a
      // free worker any time, and the worker applies the deadline once it runs the variant.
      void signal
      const stop = closing.signal
      let onStop = () => {}
      const stopped = new Promise<never>((_, reject) => {
        onStop = () => reject(stop.reason)
        if (stop.aborted) onStop()
        stop.addEventListener('abort', onStop, { once: true })
      })
      // One listener per variant in flight, removed when it settles (2,000 variants: no pile-up).
      const s = await Promise.race([settled, stopped]).finally(() => stop.removeEventListener('abort', onStop))
      return await settle(task, s, enqueuedAt)
    } catch (err) {
      // Closed (the coordinator stops): the row stays as it is; the job runs on, a resume imports it.
      if (closing.signal.aborted) return { status: 'killed' }
      log.warn('variant job not settled', { job: jobId, err: { message: messageOf(err) } })
      throw err
    } finally {
      waiters.delete(jobId)
      starting.delete(jobId)
    }
  }

  return {
    run,
    close: async () => {
      closing.abort(new Error('coordinator closed'))
      for (const off of await Promise.all([listening.catch(() => undefined), watching.catch(() => undefined)])) off?.()
      await o.queue.close()
    },
  }
}

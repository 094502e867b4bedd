import { createHash } from 'node:crypto'
import { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import type { JobConsumer, JobContext, JobQueuePort, ReceivedVariantJob, VariantJobInput, VariantJobResult } from '../engine/ports/jobQueue'
import { JobRefusedError, ResultRefusedError, secretFingerprint, signJob, signResult, verifyJob, verifyResult } from './jobSigning'

/**
 * The {@link JobQueuePort} on BullMQ (Redis). One queue per prefix; the port's job id
 * `rolloutId:variantId` is stored as `<rolloutId>~<variantId>` (each part URI-encoded) because
 * BullMQ refuses custom ids with a single `:`. Jobs are signed (HMAC-SHA256) with the shared
 * secret; a worker refuses unsigned, badly signed or other-version jobs without retrying them.
 * A worker killed mid-job loses its lock; BullMQ's stalled check hands the job to another worker.
 * Finished jobs (with their outcome, for `rollout resume`) are kept for {@link KEEP_FINISHED_S} and then
 * removed by BullMQ; a result bundle is stored apart (`<prefix>:results:<job>`, same lifetime) and
 * deleted once the coordinator imported it, so neither the jobs nor the event stream (which copies
 * every return value) grow with the bundles.
 */
export interface BullmqJobQueueOptions {
  url: string
  secret: string
  appVersion: string
  /** Key prefix in Redis (default `p2engine`); tests use their own. */
  prefix?: string
  /** Lock time of a running job before it counts as stalled (ms, default 30 000). */
  lockDuration?: number
  /** How often workers look for stalled jobs (ms, default 30 000). */
  stalledInterval?: number
  /** Worker heartbeat key lifetime (ms, default 15 000); refreshed every third of it. */
  heartbeatTtl?: number
}

const QUEUE = 'variants'
/** Least time between two progress updates of one job (ms). */
const PROGRESS_EVERY_MS = 5000
/** How long a shared blob (a rollout's config snapshot) stays in Redis after it was last shared (s). */
const BLOB_TTL_S = 7 * 24 * 3600
/** How long a finished job (and its result bundle) waits in Redis for its coordinator (s): then BullMQ removes it. */
export const KEEP_FINISHED_S = BLOB_TTL_S
const enc = (s: string) => encodeURIComponent(s).replace(/~/g, '%7E')

/** BullMQ id of a variant job (see the class comment). */
export const bullmqJobId = (rolloutId: string, variantId: string): string => `${enc(rolloutId)}~${enc(variantId)}`
const logicalId = (bullId: string): string => bullId.split('~').map(decodeURIComponent).join(':')
/** The BullMQ id of the port's job id `rolloutId:variantId`. */
const bullIdOf = (jobId: string): string => {
  const i = jobId.indexOf(':')
  return bullmqJobId(jobId.slice(0, i), jobId.slice(i + 1))
}

type Settled = { jobId: string; ok: true; result: VariantJobResult } | { jobId: string; ok: false; error: string }

export class BullmqJobQueue implements JobQueuePort {
  private readonly connection: { url: string; maxRetriesPerRequest: null }
  private readonly prefix: string
  private queue?: Queue
  private events?: QueueEvents
  private redis?: Redis
  private readonly closers: (() => Promise<void>)[] = []
  private announced?: Promise<unknown>
  private readonly fingerprint: string
  /** Blobs this process shared (by hash): set once per process, not once per job. */
  private readonly shared = new Map<string, { at: number; put: Promise<string> }>()

  constructor(private readonly o: BullmqJobQueueOptions) {
    this.connection = { url: o.url, maxRetriesPerRequest: null }
    this.prefix = o.prefix ?? 'p2engine'
    this.fingerprint = secretFingerprint(o.secret)
  }

  /** The set of secret fingerprints coordinators enqueued with (see `secretFingerprint`). */
  private get secretsKey(): string {
    return `${this.prefix}:secret-fingerprints`
  }

  async secretKnown(): Promise<boolean | undefined> {
    const [known, count] = await Promise.all([this.client().sismember(this.secretsKey, this.fingerprint), this.client().scard(this.secretsKey)])
    return count === 0 ? undefined : known === 1
  }

  private q(): Queue {
    this.queue ??= new Queue(QUEUE, { connection: this.connection, prefix: this.prefix })
    return this.queue
  }

  private client(): Redis {
    this.redis ??= new Redis(this.o.url, { maxRetriesPerRequest: null })
    return this.redis
  }

  async enqueue(job: VariantJobInput): Promise<{ jobId: string; created: boolean }> {
    const jobId = `${job.rolloutId}:${job.variantId}`
    const data = signJob(this.o.secret, { v: 1, appVersion: this.o.appVersion, rolloutId: job.rolloutId, variantId: job.variantId, issuedAt: new Date().toISOString(), body: job.body })
    // BullMQ's add is atomic and ignores an id that exists; the stored job is ours iff it carries our signature.
    const id = bullmqJobId(job.rolloutId, job.variantId)
    this.announced ??= this.client().sadd(this.secretsKey, this.fingerprint)
    await this.announced
    // Finished jobs stay (for `outcome` and against a second run) until they are KEEP_FINISHED_S old.
    const keep = { age: KEEP_FINISHED_S }
    await this.q().add('variant', data, { jobId: id, attempts: 1, removeOnComplete: keep, removeOnFail: keep })
    const stored = await this.q().getJob(id)
    return { jobId, created: (stored?.data as { sig?: string } | undefined)?.sig === data.sig }
  }

  consume(handler: (job: ReceivedVariantJob, ctx: JobContext) => Promise<unknown>, options: { worker: string; concurrency?: number; onRefused?: (message: string, workerAtFault: boolean) => void }): JobConsumer {
    const { worker: name } = options
    const ttl = this.o.heartbeatTtl ?? 15_000
    const beat = () => this.client().set(`${this.prefix}:workers:${name}`, JSON.stringify({ name, at: Date.now(), appVersion: this.o.appVersion }), 'PX', ttl).then(() => undefined, () => undefined)
    void beat()
    const timer = setInterval(beat, Math.max(50, Math.floor(ttl / 3)))
    const controller = new AbortController()
    const worker = new Worker(QUEUE, async (job: Job, token?: string) => {
      const jobId = logicalId(job.id ?? '')
      let envelope
      try {
        envelope = verifyJob(this.o.secret, jobId, job.data, this.o.appVersion)
      } catch (err) {
        if (err instanceof JobRefusedError) {
          // Another version, or a secret no coordinator uses: the job is fine, this worker is not.
          const atFault = err.reason === 'version' || (err.reason === 'signature' && (await this.secretKnown()) === false)
          if (atFault) {
            await job.moveToDelayed(Date.now() + 1000, token)
            options.onRefused?.(`${err.message}; the job stays queued for a worker that can run it`, true)
            throw new DelayedError()
          }
          options.onRefused?.(err.message, false)
          throw new UnrecoverableError(err.message)
        }
        throw err
      }
      // Progress is a live view only and each update is a Redis round trip plus an event every
      // coordinator reads: at most one per job every PROGRESS_EVERY_MS, none for a short job. The
      // job's lock is renewed by BullMQ and the worker key by the timer above.
      let last = Date.now()
      const progress = async (j: Job, p: number) => {
        if (Date.now() - last < PROGRESS_EVERY_MS) return
        last = Date.now()
        await j.updateProgress(Math.max(0, Math.min(100, p)))
      }
      const body = await handler(
        { jobId, rolloutId: envelope.rolloutId, variantId: envelope.variantId, body: envelope.body, appVersion: envelope.appVersion, attempt: job.attemptsStarted || 1 },
        { heartbeat: (p) => progress(job, p), signal: controller.signal },
      )
      const result: VariantJobResult = { jobId, rolloutId: envelope.rolloutId, variantId: envelope.variantId, worker: name, body }
      // Signed, so a stranger who can write to Redis cannot complete a job with a result of theirs.
      return signResult(this.o.secret, result)
    }, {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: options.concurrency ?? 1,
      name,
      ...(this.o.lockDuration ? { lockDuration: this.o.lockDuration } : {}),
      ...(this.o.stalledInterval ? { stalledInterval: this.o.stalledInterval } : {}),
    })
    worker.on('error', () => undefined) // connection errors: ioredis reconnects; BullMQ retries
    let stopped: Promise<void> | undefined
    const stop = (force = false) => {
      stopped ??= (async () => {
        clearInterval(timer)
        if (force) controller.abort()
        await worker.close(force)
        await this.client().del(`${this.prefix}:workers:${name}`).catch(() => undefined)
      })()
      return stopped
    }
    this.closers.push(() => stop(true))
    return { stop }
  }

  /** One QueueEvents stream (a blocking Redis connection) for every listener of this queue. */
  private async queueEvents(): Promise<QueueEvents> {
    if (!this.events) {
      this.events = new QueueEvents(QUEUE, { connection: this.connection, prefix: this.prefix })
      this.events.on('error', () => undefined)
    }
    await this.events.waitUntilReady()
    return this.events
  }

  async onStarted(listener: (jobId: string) => void): Promise<() => void> {
    const events = await this.queueEvents()
    const active = ({ jobId }: { jobId: string }) => listener(logicalId(jobId))
    events.on('active', active)
    return () => void events.off('active', active)
  }

  async onSettled(listener: (settled: Settled) => void): Promise<() => void> {
    const events = await this.queueEvents()
    const done = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => listener(this.completed(logicalId(jobId), returnvalue))
    const failed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => listener({ jobId: logicalId(jobId), ok: false, error: failedReason })
    events.on('completed', done)
    events.on('failed', failed)
    return () => {
      events.off('completed', done)
      events.off('failed', failed)
    }
  }

  async outcome(jobId: string): Promise<Settled | undefined> {
    const job = await this.q().getJob(bullIdOf(jobId))
    if (!job) return undefined
    if (job.finishedOn && job.failedReason) return { jobId, ok: false, error: job.failedReason }
    if (job.finishedOn) return this.completed(jobId, job.returnvalue)
    return undefined
  }

  /** A completed job's outcome: its result if signed with the shared secret, else a failure saying so. */
  private completed(jobId: string, returnvalue: unknown): Settled {
    try {
      return { jobId, ok: true, result: verifyResult(this.o.secret, jobId, returnvalue) }
    } catch (err) {
      if (err instanceof ResultRefusedError) return { jobId, ok: false, error: err.message }
      throw err
    }
  }

  async shareBlob(text: string): Promise<string> {
    const hash = createHash('sha256').update(text, 'utf8').digest('hex')
    const known = this.shared.get(hash)
    if (known && Date.now() - known.at < 3600_000) return known.put
    // Refreshed (at most hourly) while jobs are enqueued with it; a job older than BLOB_TTL_S finds it gone.
    const put = this.client().set(`${this.prefix}:snapshots:${hash}`, text, 'EX', BLOB_TTL_S).then(() => hash)
    this.shared.set(hash, { at: Date.now(), put })
    put.catch(() => this.shared.delete(hash))
    return put
  }

  async fetchBlob(sha256: string): Promise<string | undefined> {
    const text = await this.client().get(`${this.prefix}:snapshots:${sha256}`)
    if (text === null) return undefined
    // Anyone who can write to Redis can change the key: only the text the signed job names is used.
    if (createHash('sha256').update(text, 'utf8').digest('hex') !== sha256) throw new Error(`shared blob ${this.prefix}:snapshots:${sha256} was changed in Redis (its SHA-256 differs); not used`)
    return text
  }

  private resultKey(jobId: string): string {
    return `${this.prefix}:results:${bullIdOf(jobId)}`
  }

  async putResult(jobId: string, bytes: Buffer): Promise<void> {
    await this.client().set(this.resultKey(jobId), bytes, 'EX', KEEP_FINISHED_S)
  }

  async fetchResult(jobId: string): Promise<Buffer | undefined> {
    return (await this.client().getBuffer(this.resultKey(jobId))) ?? undefined
  }

  async release(jobId: string): Promise<void> {
    await this.client().del(this.resultKey(jobId))
  }

  async liveWorkers(): Promise<string[]> {
    const keys = await this.client().keys(`${this.prefix}:workers:*`)
    return keys.map((k) => k.slice(`${this.prefix}:workers:`.length)).sort()
  }

  async close(): Promise<void> {
    for (const c of this.closers.splice(0)) await c()
    await this.events?.close()
    await this.queue?.close()
    this.redis?.disconnect()
  }
}

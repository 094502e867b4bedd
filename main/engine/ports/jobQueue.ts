/**
 * Variant jobs for scale-out (issue 14): a coordinator enqueues one job per rollout variant and
 * worker processes on any machine consume them. The BullMQ adapter lives in
 * main/scaleout/bullmqJobQueue.ts; without Redis nothing uses this port (variants run in the
 * local piscina pool). Payloads are plain JSON; the adapter signs and checks them.
 */
export interface VariantJobInput {
  rolloutId: string
  variantId: string
  /** What a worker needs to run the variant: the spec, the config snapshot… (plain JSON). */
  body: unknown
}

/** A job as a consumer receives it, after its signature and app version were checked. */
export interface ReceivedVariantJob extends VariantJobInput {
  jobId: string
  /** 1 on the first try, then 2, 3… when BullMQ retries it (stalled or failed worker). */
  attempt: number
  appVersion: string
}

/** What a worker sends back (e.g. the variant's bundle, base64). */
export interface VariantJobResult {
  jobId: string
  rolloutId: string
  variantId: string
  worker: string
  body: unknown
}

export interface JobContext {
  /** Reports progress (0..100) and proves the worker is alive. */
  heartbeat(progress: number): Promise<void>
  readonly signal: AbortSignal
}

export interface JobConsumer {
  /** Stops taking jobs; waits for running ones to finish (graceful) unless `force`. */
  stop(force?: boolean): Promise<void>
}

export interface JobQueuePort {
  /** `jobId` is `rolloutId:variantId`; enqueuing the same pair again creates nothing (`created: false`). */
  enqueue(job: VariantJobInput): Promise<{ jobId: string; created: boolean }>
  /**
   * Runs `handler` for each job; the value it returns completes the job. A job that is not the
   * coordinators' (unsigned, or badly signed while this worker's secret is a coordinator's) fails
   * with a clear message. When the fault is this worker's (another app version, or a secret no
   * coordinator uses), the job goes back to the queue for another worker and `onRefused` gets
   * `workerAtFault: true`: the worker should stop.
   */
  consume(handler: (job: ReceivedVariantJob, ctx: JobContext) => Promise<unknown>, options: { worker: string; concurrency?: number; onRefused?: (message: string, workerAtFault: boolean) => void }): JobConsumer
  /** Whether a coordinator on this Redis uses this process's secret (undefined: no coordinator has enqueued yet). */
  secretKnown(): Promise<boolean | undefined>
  /** Calls back on every completed or failed job (any worker); resolves once listening. */
  onSettled(listener: (settled: { jobId: string; ok: true; result: VariantJobResult } | { jobId: string; ok: false; error: string }) => void): Promise<() => void>
  /** Calls back when a worker starts a job (any worker, every attempt); resolves once listening. Optional: a live view only. */
  onStarted?(listener: (jobId: string) => void): Promise<() => void>
  /** The stored outcome of a job (for resume after a coordinator restart); undefined while pending. */
  outcome(jobId: string): Promise<{ ok: true; result: VariantJobResult } | { ok: false; error: string } | undefined>
  /**
   * Stores `text` once under its SHA-256 (hex, returned) for workers to fetch: what every job of a
   * rollout shares (its config snapshot) then travels once instead of in every job. The jobs
   * carry the hash inside their signed body, so the fetched text is checked against it. Optional.
   */
  shareBlob?(text: string): Promise<string>
  /** The text shared under `sha256`, checked against it; undefined when it is gone (expired). */
  fetchBlob?(sha256: string): Promise<string | undefined>
  /**
   * Stores a job's result bundle next to the job, not in its return value: the return value is
   * copied into the queue's event stream, which every coordinator reads and which keeps thousands of
   * events. The result body names the bundle by SHA-256 (signed), so the fetched bytes are checked.
   * Kept as long as finished jobs are (7 days), or until `release`. Optional: without it the
   * bundle travels inline (base64).
   */
  putResult?(jobId: string, bytes: Buffer): Promise<void>
  /** The bundle stored by `putResult` for `jobId`; undefined when it is gone (expired or released). */
  fetchResult?(jobId: string): Promise<Buffer | undefined>
  /** The coordinator imported the job's result: what the queue keeps of it beyond the job's record (its bundle) is freed. */
  release?(jobId: string): Promise<void>
  /** Workers whose heartbeat is fresh, by name. */
  liveWorkers(): Promise<string[]>
  close(): Promise<void>
}

import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

/**
 * HMAC-SHA256 signing of variant jobs with the shared secret (`redis.secret` /
 * P2ENGINE_JOB_SECRET), so someone who can write to Redis cannot make a worker run a spec of
 * their own. The signed text is the exact JSON string that travels; the worker verifies before
 * parsing its body, then checks the app version.
 */

export const SignedJobSchema = z.strictObject({
  /** JSON of {@link JobEnvelope}, signed as is. */
  envelope: z.string(),
  /** Hex HMAC-SHA256 of `envelope`. */
  sig: z.string(),
})
export type SignedJob = z.infer<typeof SignedJobSchema>

export const JobEnvelopeSchema = z.strictObject({
  v: z.literal(1),
  appVersion: z.string().min(1),
  rolloutId: z.string().min(1),
  variantId: z.string().min(1),
  issuedAt: z.string(),
  body: z.unknown(),
})
export type JobEnvelope = z.infer<typeof JobEnvelopeSchema>

/** A job a worker must not run; `message` is one line saying why and what to do. */
export class JobRefusedError extends Error {
  /** Why: `version` and `signature` may be this worker's fault rather than the job's (see bullmqJobQueue). */
  constructor(readonly jobId: string, message: string, readonly reason: 'unsigned' | 'signature' | 'malformed' | 'version' | 'id' = 'malformed') {
    super(`job ${jobId} refused: ${message}`)
    this.name = 'JobRefusedError'
  }
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex')

export function signJob(secret: string, envelope: JobEnvelope): SignedJob {
  const text = JSON.stringify(envelope)
  return { envelope: text, sig: hmac(secret, text) }
}

/** Verifies signature then app version; returns the envelope or throws {@link JobRefusedError}. */
export function verifyJob(secret: string, jobId: string, data: unknown, appVersion: string): JobEnvelope {
  const signed = SignedJobSchema.safeParse(data)
  if (!signed.success) throw new JobRefusedError(jobId, 'it is not signed (expected {envelope, sig}); only a coordinator with the shared secret (redis.secret / P2ENGINE_JOB_SECRET) can enqueue jobs', 'unsigned')
  const want = Buffer.from(hmac(secret, signed.data.envelope), 'hex')
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(signed.data.sig) ? signed.data.sig : '', 'hex')
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new JobRefusedError(jobId, 'bad signature; the coordinator and this worker must share the same secret (redis.secret / P2ENGINE_JOB_SECRET)', 'signature')
  }
  let raw: unknown
  try {
    raw = JSON.parse(signed.data.envelope)
  } catch {
    throw new JobRefusedError(jobId, 'its signed envelope is not JSON')
  }
  const env = JobEnvelopeSchema.safeParse(raw)
  if (!env.success) throw new JobRefusedError(jobId, `its envelope is malformed (${env.error.issues[0]!.path.join('.') || 'envelope'}: ${env.error.issues[0]!.message})`)
  if (env.data.appVersion !== appVersion) {
    throw new JobRefusedError(jobId, `it was enqueued by P2Engine ${env.data.appVersion} and this worker runs ${appVersion}; run workers with the coordinator's version`, 'version')
  }
  const expectedId = `${env.data.rolloutId}:${env.data.variantId}`
  if (expectedId !== jobId) throw new JobRefusedError(jobId, `its envelope is for ${expectedId}`, 'id')
  return env.data
}

/**
 * A fingerprint of the shared secret (an HMAC of a fixed text: it reveals nothing of the secret).
 * Coordinators record theirs in Redis when they enqueue, so a worker whose fingerprint is not
 * among them knows that a badly signed job is its own misconfiguration, not a stranger's job.
 */
export const secretFingerprint = (secret: string): string => hmac(secret, 'p2engine job secret check v1').slice(0, 32)

/**
 * Job RESULTS are signed too (worker → coordinator): someone who can write to Redis could otherwise
 * complete a job with a forged result (fake scores, transcript) that the coordinator imports. The
 * worker signs the exact JSON text of the result; the coordinator verifies it before parsing it.
 */
export interface ResultEnvelope {
  jobId: string
  rolloutId: string
  variantId: string
  worker: string
  body: unknown
}

/** The signed form of a result, as stored in the completed job's return value. */
export function signResult(secret: string, result: ResultEnvelope): SignedJob {
  const text = JSON.stringify(result)
  return { envelope: text, sig: hmac(secret, text) }
}

/** A completed job's result the coordinator must not import; `message` is one line naming the job. */
export class ResultRefusedError extends Error {
  constructor(readonly jobId: string, why: string) {
    super(`job ${jobId}: result not imported: ${why}`)
    this.name = 'ResultRefusedError'
  }
}

const NOT_SIGNED = 'it was not signed with the shared secret (redis.secret / P2ENGINE_JOB_SECRET); only a worker holding it can complete jobs'

/** Verifies a completed job's return value; returns the result or throws {@link ResultRefusedError}. */
export function verifyResult(secret: string, jobId: string, data: unknown): ResultEnvelope {
  const signed = SignedJobSchema.safeParse(data)
  if (!signed.success) throw new ResultRefusedError(jobId, NOT_SIGNED)
  const want = Buffer.from(hmac(secret, signed.data.envelope), 'hex')
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(signed.data.sig) ? signed.data.sig : '', 'hex')
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new ResultRefusedError(jobId, NOT_SIGNED)
  let raw: unknown
  try {
    raw = JSON.parse(signed.data.envelope)
  } catch {
    throw new ResultRefusedError(jobId, 'its signed envelope is not JSON')
  }
  const r = raw as Partial<ResultEnvelope> | null
  if (!r || typeof r !== 'object' || typeof r.worker !== 'string' || typeof r.rolloutId !== 'string' || typeof r.variantId !== 'string') {
    throw new ResultRefusedError(jobId, 'its signed envelope is malformed')
  }
  // A signed result of another job, copied into this one, is refused too.
  if (r.jobId !== jobId) throw new ResultRefusedError(jobId, `its signed envelope is for job ${String(r.jobId)}`)
  return r as ResultEnvelope
}

import { z } from 'zod'
import { UserInputError } from '../engine/errors'
import type { ExpandedVariant } from '../engine/schema/rollout'
import type { RolloutOptions, VariantMetrics } from '../engine/rollouts/types'

/**
 * What travels in a variant job (coordinator → worker) and back (worker → coordinator), as plain
 * JSON inside the signed envelope of main/scaleout/jobSigning.ts. The job's `variantId` is
 * `<team>/<variant>`, so the job id `rolloutId:team/variant` names the team too.
 */
export const JOB_BODY_VERSION = 1

const str = z.string()

/** The config folder the variant needs: text files as text, other files (tool data, modules) as base64. */
export const ConfigSnapshotSchema = z.strictObject({
  text: z.record(str, str),
  base64: z.record(str, str),
})
export type ConfigSnapshot = z.infer<typeof ConfigSnapshotSchema>

export const VariantJobBodySchema = z.strictObject({
  v: z.literal(JOB_BODY_VERSION),
  specFile: str,
  source: z.unknown(),
  variant: z.looseObject({ teamId: str, id: str, index: z.number().int() }),
  options: z.looseObject({ parallel: z.number(), taskTimeoutMs: z.number(), replay: z.boolean(), strictTools: z.boolean(), samples: z.number().optional() }),
  /** The coordinator's ledger switch and backend: the worker runs with the same ones. */
  ledger: z.strictObject({ enabled: z.boolean(), backend: z.enum(['embedded', 'canton']) }),
  modelMode: z.enum(['record', 'replay']),
  /** The config snapshot itself, or (`configRef`) the SHA-256 of its JSON shared once per rollout (JobQueuePort.shareBlob). */
  config: ConfigSnapshotSchema.optional(),
  configRef: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** When the coordinator enqueued the job (ms): the worker reports the queue wait. */
  enqueuedAt: z.number(),
})
export type VariantJobBody = Omit<z.infer<typeof VariantJobBodySchema>, 'variant' | 'options'> & { variant: ExpandedVariant; options: RolloutOptions }

export const VariantJobResultSchema = z.strictObject({
  v: z.literal(JOB_BODY_VERSION),
  status: z.enum(['done', 'failed']),
  error: str.nullable(),
  metrics: z.looseObject({ conversationId: str }).nullable(),
  conversationId: str.nullable(),
  /** The variant's conversation as a bundle (main/bundles format), base64; '' when it is stored apart (`bundleRef`) or there is none. */
  bundle: str,
  /** The bundle stored next to the job (JobQueuePort.putResult): its SHA-256 and size, checked when fetched. */
  bundleRef: z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().positive() }).optional(),
  startedAt: z.number(),
  finishedAt: z.number(),
})
export type VariantJobResultBody = Omit<z.infer<typeof VariantJobResultSchema>, 'metrics'> & { metrics: VariantMetrics | null }

const issues = (e: z.ZodError): string => e.issues.slice(0, 2).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ')

/** The job body, or one line naming the job and the first problem. */
export function parseJobBody(jobId: string, body: unknown): VariantJobBody {
  const r = VariantJobBodySchema.safeParse(body)
  if (!r.success) throw new UserInputError(`job ${jobId}: bad body: ${issues(r.error)}`, 'BAD_JOB')
  if ((r.data.config === undefined) === (r.data.configRef === undefined)) throw new UserInputError(`job ${jobId}: bad body: config: expected either config or configRef`, 'BAD_JOB')
  return r.data as unknown as VariantJobBody
}

/** A shared config snapshot (JSON text fetched by its hash), or one line naming the job and the problem. */
export function parseSharedSnapshot(jobId: string, ref: string, text: string | undefined): ConfigSnapshot {
  if (text === undefined) throw new UserInputError(`job ${jobId}: its config snapshot ${ref.slice(0, 12)} is no longer in Redis (expired); \`rollout resume\` on the coordinator shares it again`, 'BAD_JOB')
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new UserInputError(`job ${jobId}: its config snapshot ${ref.slice(0, 12)} is not JSON`, 'BAD_JOB')
  }
  const r = ConfigSnapshotSchema.safeParse(raw)
  if (!r.success) throw new UserInputError(`job ${jobId}: bad config snapshot ${ref.slice(0, 12)}: ${issues(r.error)}`, 'BAD_JOB')
  return r.data
}

/** A worker's result body, or one line naming the job and the first problem. */
export function parseJobResult(jobId: string, body: unknown): VariantJobResultBody {
  const r = VariantJobResultSchema.safeParse(body)
  if (!r.success) throw new UserInputError(`job ${jobId}: bad result: ${issues(r.error)}`, 'BAD_JOB_RESULT')
  if (r.data.bundleRef && r.data.bundle) throw new UserInputError(`job ${jobId}: bad result: bundle: expected either an inline bundle or bundleRef`, 'BAD_JOB_RESULT')
  return r.data as unknown as VariantJobResultBody
}

/** `team/variant` ↔ the job's variant id. */
export const jobVariantId = (team: string, variantId: string): string => `${team}/${variantId}`
export function splitJobVariantId(jobId: string, id: string): { team: string; variantId: string } {
  const i = id.indexOf('/')
  if (i <= 0 || i === id.length - 1) throw new UserInputError(`job ${jobId}: variant id "${id}" is not team/variant`, 'BAD_JOB')
  return { team: id.slice(0, i), variantId: id.slice(i + 1) }
}

import { AppError, ConfigError, messageOf, UserInputError } from '../../engine/errors'
import { formatS3Url, type S3Location } from './url'

/** What an S3 call was doing, for the message: the address and where requests went. */
export interface S3CallSite {
  op: 'upload' | 'download' | 'read' | 'check'
  at: S3Location | { bucket: string; key?: undefined }
  endpoint: string
}

interface SdkErrorLike {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  cause?: unknown
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE'])

/** The network error code under an SDK error (it nests them in `cause` or `errors`), if any. */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined
  const e = err as SdkErrorLike & { errors?: unknown[] }
  if (e.code && NETWORK_CODES.has(e.code)) return e.code
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return 'timeout'
  for (const inner of [e.cause, ...(e.errors ?? [])]) {
    const c = networkCode(inner, depth + 1)
    if (c) return c
  }
  return undefined
}

/**
 * Maps an S3 SDK error to one clear line naming the bucket and key: a missing object or bucket
 * is a {@link UserInputError}; missing or rejected credentials and an endpoint that does not
 * answer are {@link ConfigError}s. Never a stack trace. App errors pass through unchanged.
 */
export function s3ErrorOf(err: unknown, site: S3CallSite): AppError {
  if (err instanceof AppError) return err
  const e = (err ?? {}) as SdkErrorLike
  const where = site.at.key !== undefined ? formatS3Url(site.at) : `s3://${site.at.bucket}`
  const name = e.name ?? ''
  const status = e.$metadata?.httpStatusCode
  const net = networkCode(err)
  if (net) return new ConfigError(`S3 ${site.op} of ${where}: the endpoint ${site.endpoint} did not answer (${net}); check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the server runs`, 'S3_UNREACHABLE')
  if (name === 'CredentialsProviderError' || (/credential/i.test(name) && !status)) {
    return new ConfigError(`S3 ${site.op} of ${where}: no AWS credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, 'S3_CREDENTIALS')
  }
  if (name === 'NoSuchBucket') return new UserInputError(`S3 ${site.op} of ${where}: bucket "${site.at.bucket}" does not exist at ${site.endpoint}`, 'S3_NO_SUCH_BUCKET')
  if (name === 'NoSuchKey' || ((name === 'NotFound' || status === 404) && site.at.key !== undefined)) {
    return new UserInputError(`S3 ${site.op} of ${where}: no object with key "${site.at.key ?? ''}" in bucket "${site.at.bucket}"`, 'S3_NO_SUCH_KEY')
  }
  if (name === 'NotFound' || status === 404) return new UserInputError(`S3 ${site.op} of ${where}: bucket "${site.at.bucket}" does not exist at ${site.endpoint}`, 'S3_NO_SUCH_BUCKET')
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'ExpiredToken'].includes(name) || status === 403) {
    return new ConfigError(`S3 ${site.op} of ${where}: access denied (${name || `HTTP ${status}`}); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's permissions`, 'S3_ACCESS_DENIED')
  }
  const detail = (e.message ?? messageOf(err)).split('\n')[0]!.slice(0, 200)
  return new ConfigError(`S3 ${site.op} of ${where} failed at ${site.endpoint}: ${name ? `${name}: ` : ''}${detail}${status ? ` (HTTP ${status})` : ''}`, 'S3_ERROR')
}

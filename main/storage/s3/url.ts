import { UserInputError } from '../../engine/errors'

/** A parsed `s3://BUCKET/KEY` address. */
export interface S3Location {
  bucket: string
  key: string
}

/** True when `s` is meant as an S3 address (`s3://…`), whether or not it is a valid one. */
export const isS3Url = (s: string): boolean => /^s3:\/\//i.test(s.trim())

/** `s3://bucket/key` for messages. */
export const formatS3Url = (l: S3Location): string => `s3://${l.bucket}/${l.key}`

// S3 bucket naming rules (3–63 chars, lowercase letters, digits, dots and hyphens, starting and
// ending with a letter or digit); MinIO and s3rver follow them too.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Checks a bucket name; the problem in words, or null when it is fine. */
export function bucketProblem(bucket: string): string | null {
  if (!BUCKET.test(bucket)) return 'expected 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit'
  if (bucket.includes('..')) return 'two dots in a row are not allowed'
  return null
}

/**
 * Parses `s3://BUCKET/KEY`. A missing or malformed bucket, or an empty key, is a
 * {@link UserInputError} naming the address and what was expected.
 */
export function parseS3Url(url: string): S3Location {
  const s = url.trim()
  const expected = 'expected s3://BUCKET/KEY'
  if (!isS3Url(s)) throw new UserInputError(`"${url}" is not an S3 address: ${expected}`, 'BAD_S3_URL')
  const rest = s.slice('s3://'.length)
  const slash = rest.indexOf('/')
  const bucket = slash < 0 ? rest : rest.slice(0, slash)
  const key = slash < 0 ? '' : rest.slice(slash + 1)
  if (!bucket) throw new UserInputError(`"${url}" has no bucket: ${expected}`, 'BAD_S3_URL')
  const problem = bucketProblem(bucket)
  if (problem) throw new UserInputError(`"${url}": bucket "${bucket}" is not a valid bucket name: ${problem}`, 'BAD_S3_URL')
  if (!key || key.endsWith('/')) throw new UserInputError(`"${url}" has no object key: ${expected} (a key naming a file, not a folder)`, 'BAD_S3_URL')
  if (Buffer.byteLength(key) > 1024) throw new UserInputError(`"${url}": the key is longer than 1024 bytes, the S3 limit`, 'BAD_S3_URL')
  return { bucket, key }
}

import type { S3ClientConfig } from '@aws-sdk/client-s3'

/**
 * The plain-data S3 connection settings from the standard AWS environment variables
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` or
 * `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_S3` or else `AWS_ENDPOINT_URL`). Plain data so a worker
 * thread can build the same client. A custom endpoint (MinIO, s3rver, …) gets path-style
 * addressing (`http://host/bucket/key`), which those servers need.
 */
export interface S3Connection {
  region: string
  endpoint?: string
  forcePathStyle: boolean
  /** Absent: the SDK's default chain (shared config files, instance roles …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
}

const set = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined)

/** Connection settings from `env` (the CLI passes its own environment; the app `process.env`). */
export function s3ConnectionFrom(env: NodeJS.ProcessEnv = process.env): S3Connection {
  const endpoint = set(env.AWS_ENDPOINT_URL_S3) ?? set(env.AWS_ENDPOINT_URL)
  const accessKeyId = set(env.AWS_ACCESS_KEY_ID)
  const secretAccessKey = set(env.AWS_SECRET_ACCESS_KEY)
  const sessionToken = set(env.AWS_SESSION_TOKEN)
  return {
    region: set(env.AWS_REGION) ?? set(env.AWS_DEFAULT_REGION) ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: endpoint !== undefined,
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  }
}

/** Where requests go, for messages: the custom endpoint, or AWS S3 in the region. */
export const describeEndpoint = (c: S3Connection): string => c.endpoint ?? `AWS S3 (${c.region})`

const nothing = (): void => {}
export const quiet = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing }

export const noCredentials = (): Promise<never> =>
  Promise.reject(Object.assign(new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set'), { name: 'CredentialsProviderError' }))

/** The plain-data part of {@link s3ClientConfig} (a worker thread adds the same functions). */
export function plainClientConfig(c: S3Connection): S3ClientConfig {
  return {
    region: c.region,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    forcePathStyle: c.forcePathStyle,
    ...(c.credentials ? { credentials: c.credentials } : {}),
    maxAttempts: 2,
    // S3-compatible stores (s3rver, older MinIO) store aws-chunked checksum framing as object bytes.
    ...(c.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    requestHandler: { connectionTimeout: 3000, requestTimeout: 30_000 },
  }
}

/**
 * The SDK prints a one-time "Node 22 needed after January 2027" warning on stderr: the pinned
 * version works on Node 20 (the README says so), and CLI output stays clean. Unless set otherwise.
 */
export function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
}

import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import { noCredentials, plainClientConfig, quiet, quietSdk, s3ConnectionFrom, type S3Connection } from './connection'

export { describeEndpoint, s3ConnectionFrom, type S3Connection } from './connection'

/** SDK options of a connection: short timeouts and one retry, so a dead endpoint fails in seconds. */
export function s3ClientConfig(c: S3Connection): S3ClientConfig {
  return {
    ...plainClientConfig(c),
    // With a custom endpoint there are no instance roles to ask: missing keys fail at once.
    ...(!c.credentials && c.endpoint ? { credentials: noCredentials } : {}),
    // The SDK writes retry notes to the console unless it has a logger of its own: the CLI's output stays clean.
    logger: quiet,
  }
}

/** An S3 client for a connection. */
export function s3ClientFor(connection: S3Connection): { client: S3Client; connection: S3Connection } {
  quietSdk()
  return { client: new S3Client(s3ClientConfig(connection)), connection }
}

/** An S3 client for `env` (see {@link s3ConnectionFrom}). */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): { client: S3Client; connection: S3Connection } {
  return s3ClientFor(s3ConnectionFrom(env))
}

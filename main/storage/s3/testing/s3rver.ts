// Test helper: a real S3-compatible server (s3rver) on a free 127.0.0.1 port (imported only by tests).
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

interface S3rverInstance {
  run(): Promise<AddressInfo>
  close(): Promise<void>
  httpServer?: Server
}
type S3rverCtor = new (o: Record<string, unknown>) => S3rverInstance

/** A running s3rver: its endpoint, one empty bucket, the env a client needs, and `stop`. */
export interface RunningS3 {
  endpoint: string
  bucket: string
  /** AWS_* variables that point a client at this server (s3rver accepts the S3RVER/S3RVER key pair). */
  env: Record<string, string>
  /** Where s3rver keeps its objects. */
  dir: string
  stop(): Promise<void>
}

/** Starts s3rver on 127.0.0.1 (port 0) in a temp folder with `bucket` created. */
export async function startS3rver(o: { bucket?: string } = {}): Promise<RunningS3> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor
  const bucket = o.bucket ?? 'p2engine-test'
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }], vhostBuckets: false })
  const addr = await server.run()
  const endpoint = `http://127.0.0.1:${addr.port}`
  return {
    endpoint,
    bucket,
    dir,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint },
    async stop() {
      // Clients keep sockets alive: close them, or close() waits for their idle timeout.
      server.httpServer?.closeAllConnections()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

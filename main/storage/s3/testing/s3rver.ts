// Test helper: a real S3-compatible server (s3rver) on a free 127.0.0.1 port (imported only by tests).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

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

// In a child process, not in the test's thread: the S3 payload store reads synchronously (the
// calling thread blocks until the answer), so a server on the same event loop could never answer.
const SERVER = `
const S3rver = require(process.argv[1])
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2], configureBuckets: [{ name: process.argv[3] }], vhostBuckets: false })
server.run().then((a) => console.log('port ' + a.port), (e) => { console.error(e.message); process.exit(1) })
process.stdin.on('end', () => process.exit(0)).resume()
`

/** Starts s3rver in a child process on 127.0.0.1 (port 0) with an empty `bucket` in a temp folder. */
export async function startS3rver(o: { bucket?: string } = {}): Promise<RunningS3> {
  const bucket = o.bucket ?? 'p2engine-test'
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'))
  const main = createRequire(import.meta.url).resolve('s3rver')
  // stdin stays open: the server exits when this process does, even if `stop` is never called.
  const child = spawn(process.execPath, ['-e', SERVER, main, dir, bucket], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (l) => {
      const m = /^port (\d+)$/.exec(l)
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}): ${stderr.trim()}`)))
  })
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    bucket,
    dir,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: endpoint },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill()
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

import { createRequire } from 'node:module'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import { ConfigError } from '../../engine/errors'
import { describeEndpoint, plainClientConfig, quietSdk, type S3Connection } from './connection'
import { s3ErrorOf } from './errors'
import type { S3Location } from './url'

// The worker: plain CommonJS (no build step, no tsx), given the SDK's resolved path. It answers
// each request on its port, then raises the flag the calling thread waits on.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { S3Client, GetObjectCommand, PutObjectCommand } = require(workerData.sdk)
const flag = new Int32Array(workerData.flag)
const nothing = () => {}
const quiet = { trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing }
const config = { ...workerData.config, logger: quiet }
if (!config.credentials && config.endpoint) config.credentials = () => Promise.reject(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }))
const client = new S3Client(config)
const flat = (e, depth) => {
  if (!e || typeof e !== 'object' || depth > 3) return undefined
  return { name: e.name, code: e.code, message: String(e.message || ''), $metadata: e.$metadata && { httpStatusCode: e.$metadata.httpStatusCode },
    cause: flat(e.cause, depth + 1), errors: Array.isArray(e.errors) ? e.errors.slice(0, 3).map((x) => flat(x, depth + 1)) : undefined }
}
workerData.port.on('message', async (req) => {
  let reply
  try {
    if (req.op === 'get') {
      const res = await client.send(new GetObjectCommand({ Bucket: req.bucket, Key: req.key }))
      reply = { id: req.id, ok: true, body: await res.Body.transformToByteArray() }
    } else {
      await client.send(new PutObjectCommand({ Bucket: req.bucket, Key: req.key, Body: Buffer.from(req.body) }))
      reply = { id: req.id, ok: true }
    }
  } catch (e) {
    reply = { id: req.id, ok: false, error: flat(e, 0) }
  }
  workerData.port.postMessage(reply)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
})
`

interface Reply {
  id: number
  ok: boolean
  body?: Uint8Array
  error?: unknown
}

/**
 * Blocking S3 GET and PUT for the synchronous stores: the request runs on a worker thread with
 * its own S3 client while the calling thread waits (`Atomics.wait`) for the answer, at most
 * `timeoutMs`. The worker starts on first use and does not keep the process alive.
 */
export class SyncS3 {
  private worker?: Worker
  private port?: MessagePort
  private flag?: Int32Array
  private nextId = 1

  constructor(readonly connection: S3Connection, private readonly timeoutMs = 35_000) {}

  private start(): { port: MessagePort; flag: Int32Array } {
    if (!this.worker || !this.port || !this.flag) {
      quietSdk()
      const { port1, port2 } = new MessageChannel()
      const shared = new SharedArrayBuffer(4)
      const sdk = createRequire(import.meta.url).resolve('@aws-sdk/client-s3')
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { sdk, flag: shared, port: port2, config: plainClientConfig(this.connection) },
        transferList: [port2],
      })
      this.worker.unref()
      this.worker.on('error', () => this.stop())
      port1.unref()
      this.port = port1
      this.flag = new Int32Array(shared)
    }
    return { port: this.port, flag: this.flag }
  }

  private call(req: { op: 'get' | 'put'; bucket: string; key: string; body?: Uint8Array }, op: 'read' | 'upload'): Reply {
    const { port, flag } = this.start()
    const id = this.nextId++
    const deadline = Date.now() + this.timeoutMs
    Atomics.store(flag, 0, 0)
    port.postMessage({ ...req, id })
    for (;;) {
      // Replies of earlier calls that timed out are skipped.
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const reply = m.message as Reply
        if (reply.id !== id) continue
        if (!reply.ok) throw s3ErrorOf(reply.error, { op, at: { bucket: req.bucket, key: req.key }, endpoint: describeEndpoint(this.connection) })
        return reply
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new ConfigError(`S3 ${op} of s3://${req.bucket}/${req.key}: no answer from ${describeEndpoint(this.connection)} within ${Math.round(this.timeoutMs / 1000)} s`, 'S3_UNREACHABLE')
      }
      Atomics.wait(flag, 0, 0, left)
      Atomics.store(flag, 0, 0)
    }
  }

  /** The object's bytes (errors: see `s3ErrorOf`; a missing key is `S3_NO_SUCH_KEY`). */
  get(at: S3Location): Buffer {
    const r = this.call({ op: 'get', ...at }, 'read')
    return Buffer.from(r.body!)
  }

  put(at: S3Location, body: Buffer): void {
    this.call({ op: 'put', ...at, body }, 'upload')
  }

  /** Stops the worker thread (it is also stopped when the process exits). */
  stop(): void {
    void this.worker?.terminate()
    this.port?.close()
    this.worker = undefined
    this.port = undefined
    this.flag = undefined
  }
}

import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { LedgerError } from '../../../engine/errors'

/** Bytes received so far and the announced total (undefined without Content-Length). */
export interface DownloadProgress {
  received: number
  total?: number
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void
  /** Abort when no byte arrived for this long (default 60 s). */
  idleTimeoutMs?: number
  fetch?: typeof globalThis.fetch
  /** Cancels the download (the app quits); fails with CANTON_DOWNLOAD "cancelled". */
  signal?: AbortSignal
}

/**
 * Streams `url` into `file` while hashing it; returns the SHA-256 (hex) and the size. Fails with
 * CANTON_DOWNLOAD on an HTTP error, a stalled or cut connection, or fewer bytes than announced.
 * The caller removes `file` on failure (it lives in the install's temp folder).
 */
export async function downloadWithDigest(url: string, file: string, o: DownloadOptions = {}): Promise<{ sha256: string; bytes: number }> {
  const controller = new AbortController()
  const cancelled = () => o.signal?.aborted === true
  const onCancel = () => controller.abort()
  o.signal?.addEventListener('abort', onCancel, { once: true })
  const idle = o.idleTimeoutMs ?? 60_000
  let timer = setTimeout(() => controller.abort(), idle)
  const fail = (why: string, cause?: unknown) => new LedgerError(`downloading ${url} failed: ${why}`, 'CANTON_DOWNLOAD', { cause })
  const out = createWriteStream(file, { mode: 0o600 })
  const closed = new Promise<void>((resolve, reject) => { out.once('close', resolve); out.once('error', reject) })
  try {
    let res: Response
    try {
      res = await (o.fetch ?? globalThis.fetch)(url, { signal: controller.signal, redirect: 'follow' })
    } catch (err) {
      throw fail(cancelled() ? 'cancelled' : controller.signal.aborted ? `no answer within ${Math.round(idle / 1000)} s` : causeOf(err), err)
    }
    if (!res.ok || !res.body) throw fail(`HTTP ${res.status} ${res.statusText}`.trim())
    const length = res.headers.get('content-length')
    const total = length && /^\d+$/.test(length) ? Number(length) : undefined
    const hash = createHash('sha256')
    let received = 0
    o.onProgress?.({ received, total })
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        clearTimeout(timer)
        timer = setTimeout(() => controller.abort(), idle)
        hash.update(chunk)
        received += chunk.length
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
        o.onProgress?.({ received, total })
      }
    } catch (err) {
      throw fail(cancelled() ? `cancelled after ${received} bytes` : controller.signal.aborted ? `stalled for ${Math.round(idle / 1000)} s after ${received} bytes` : `the connection broke after ${received} bytes (${causeOf(err)})`, err)
    }
    if (total !== undefined && received !== total) throw fail(`got ${received} of ${total} bytes`)
    return { sha256: hash.digest('hex'), bytes: received }
  } finally {
    o.signal?.removeEventListener('abort', onCancel)
    clearTimeout(timer)
    out.end()
    await closed.catch(() => undefined)
  }
}

function causeOf(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? err.cause.message : err.message
  return String(err)
}

// Test helper (imported only by *.test.ts): an in-process OTLP/HTTP trace receiver.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

type AttrValue = string | number | boolean

/** One received span, flattened from OTLP/JSON. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** Absent for a root span. */
  parentSpanId?: string
  name: string
  attributes: Record<string, AttrValue>
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string }
  events: string[]
  /** Resource attributes of the exporting process. */
  resource: Record<string, AttrValue>
  ended: boolean
  /** Start time, nanoseconds since the epoch. */
  start: bigint
}

interface OtlpAttr {
  key: string
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean }
}

const attrs = (list: OtlpAttr[] | undefined): Record<string, AttrValue> =>
  Object.fromEntries((list ?? []).map((a) => {
    const v = a.value
    const value = v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue ?? ''
    return [a.key, value]
  }))

interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttr[] }
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: OtlpAttr[]; status?: { code?: number; message?: string }; events?: { name: string }[]; startTimeUnixNano?: string | number; endTimeUnixNano?: string | number }[] }[]
  }[]
}

function flatten(body: OtlpBody): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const resource = attrs(rs.resource?.attributes)
    return (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s): ReceivedSpan => ({
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      name: s.name,
      attributes: attrs(s.attributes),
      status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
      events: (s.events ?? []).map((e) => e.name),
      resource,
      ended: Number(s.endTimeUnixNano ?? 0) > 0,
      start: BigInt(s.startTimeUnixNano ?? 0),
    })))
  })
}

/**
 * The server, run in its own thread so a test may block its own (spawnSync) while a child process
 * exports; every request is appended to a file (one JSON line) before it is answered.
 */
const SERVER = `
const { createServer } = require('node:http')
const { appendFileSync } = require('node:fs')
const { parentPort, workerData } = require('node:worker_threads')
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const type = req.headers['content-type'] || ''
    let status = 200
    if (req.method !== 'POST' || req.url !== '/v1/traces') status = 404
    else if (!type.startsWith('application/json')) status = 415
    const line = status === 200 ? { body: Buffer.concat(chunks).toString('utf8') } : { rejected: req.method + ' ' + req.url + ' ' + type }
    appendFileSync(workerData.file, JSON.stringify(line) + '\\n')
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '')
  })
})
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }))
parentPort.on('message', (m) => {
  if (m === 'close') server.close(() => process.exit(0))
})
`

/**
 * Listens on 127.0.0.1 (a free port, in a worker thread of this process) for `POST /v1/traces`
 * with an OTLP/JSON body (what the HTTP exporter sends, `Content-Type: application/json`);
 * anything else is answered 404/415 and reported in `rejected`.
 */
export async function otlpReceiver() {
  const dir = mkdtempSync(join(tmpdir(), 'p2otlp-'))
  const file = join(dir, 'received.jsonl')
  writeFileSync(file, '')
  const worker = new Worker(SERVER, { eval: true, workerData: { file } })
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port))
    worker.once('error', reject)
  })
  /** Everything received so far (synchronous: usable right after a blocking spawnSync). */
  const received = (): { spans: ReceivedSpan[]; rejected: string[] } => {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { body?: string; rejected?: string })
    return {
      spans: lines.flatMap((l) => (l.body ? flatten(JSON.parse(l.body) as OtlpBody) : [])),
      rejected: lines.flatMap((l) => (l.rejected ? [l.rejected] : [])),
    }
  }
  return {
    /** For `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    endpoint: `http://127.0.0.1:${port}`,
    received,
    /** Resolves once `done(spans)` holds; gives up (resolves anyway) after `limitMs` so the assertion that follows shows what arrived. */
    async until(done: (spans: ReceivedSpan[]) => boolean, limitMs = 15_000): Promise<ReceivedSpan[]> {
      const end = Date.now() + limitMs
      while (!done(received().spans) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
      return received().spans
    },
    close: async (): Promise<void> => {
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      worker.postMessage('close')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type OtlpReceiver = Awaited<ReturnType<typeof otlpReceiver>>

/** The spans as an indented tree of names (children in start order), for whole-tree assertions. */
export function spanTree(spans: readonly ReceivedSpan[], root: ReceivedSpan, depth = 0): string[] {
  const children = spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  return [`${'  '.repeat(depth)}${root.name}`, ...children.flatMap((c) => spanTree(spans, c, depth + 1))]
}

// Test helper (imported only by *.test.ts): an in-process OTLP/HTTP trace receiver.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

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

const bodyOf = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })

/**
 * Listens on 127.0.0.1 (a free port) for `POST /v1/traces` with an OTLP/JSON body (what the
 * HTTP exporter sends, `Content-Type: application/json`); anything else is answered 404/415 and
 * recorded in `rejected`.
 */
export async function otlpReceiver() {
  const spans: ReceivedSpan[] = []
  const rejected: string[] = []
  const server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req)
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        rejected.push(`${req.method} ${req.url}`)
        res.writeHead(404).end()
        return
      }
      const type = req.headers['content-type'] ?? ''
      if (!type.startsWith('application/json')) {
        rejected.push(`content-type ${type}`)
        res.writeHead(415).end()
        return
      }
      spans.push(...flatten(JSON.parse(body) as OtlpBody))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    /** For `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    /** Resolves once `done(spans)` holds; gives up (resolves anyway) after `limitMs` so the assertion that follows shows what arrived. */
    async until(done: (spans: ReceivedSpan[]) => boolean, limitMs = 15_000): Promise<void> {
      const end = Date.now() + limitMs
      while (!done(spans) && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type OtlpReceiver = Awaited<ReturnType<typeof otlpReceiver>>

/** The spans as an indented tree of names (children in start order), for whole-tree assertions. */
export function spanTree(spans: readonly ReceivedSpan[], root: ReceivedSpan, depth = 0): string[] {
  const children = spans.filter((s) => s.parentSpanId === root.spanId && s.traceId === root.traceId).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
  return [`${'  '.repeat(depth)}${root.name}`, ...children.flatMap((c) => spanTree(spans, c, depth + 1))]
}

import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import type { Agent } from 'undici'

/** One keep-alive connection pool per process for every buffered call (loaded on first use). */
let pool: Promise<{ request: typeof import('undici').request; agent: Agent }> | undefined
const undici = () => (pool ??= import('undici').then((u) => ({ request: u.request, agent: new u.Agent({ keepAliveTimeout: 30_000 }) })))

const DECODE: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync }

function headerRecord(h: RequestInit['headers']): Record<string, string> {
  if (!h) return {}
  if (h instanceof Headers) return Object.fromEntries(h.entries())
  if (Array.isArray(h)) return Object.fromEntries(h)
  return { ...(h as Record<string, string>) }
}

/**
 * A `fetch` for the OpenAI SDK's non-streamed calls: the request goes through undici's `request`
 * and the whole answer is read into memory before the SDK sees it, as a `Response` over a buffer.
 * Node's WHATWG `fetch` pipes every answer through web streams: measured against the same local
 * server, the SDK spent ~2.1 ms of CPU per call with it and ~0.9 ms with this. Only plain string
 * bodies take this path (anything else goes to the global `fetch`); compressed answers are decoded.
 */
export async function bufferedFetch(url: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (url instanceof Request || (init.body !== undefined && init.body !== null && typeof init.body !== 'string')) return fetch(url, init)
  const { request, agent } = await undici()
  const headers = headerRecord(init.headers)
  const res = await request(String(url), {
    method: (init.method ?? 'GET') as 'GET',
    headers,
    ...(typeof init.body === 'string' ? { body: init.body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
    dispatcher: agent,
  })
  let body: ArrayBuffer = await res.body.arrayBuffer()
  const out = new Headers()
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) for (const x of Array.isArray(v) ? v : [v]) out.append(k, x)
  const encoding = out.get('content-encoding')?.trim().toLowerCase()
  const decode = encoding ? DECODE[encoding] : undefined
  if (decode && body.byteLength) {
    const plain = decode(Buffer.from(body))
    body = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer
    out.delete('content-encoding')
    out.delete('content-length')
  }
  const empty = res.statusCode === 204 || res.statusCode === 304 || init.method === 'HEAD'
  return new Response(empty ? null : body, { status: res.statusCode, headers: out })
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * A local OpenAI-compatible chat-completions server for tests (loopback, port 0). It answers
 * `POST /v1/chat/completions` from a script of replies — streaming (SSE) when the request asks
 * for it — and records every request. `GET /v1/models` answers with one model. A request past
 * the end of the script gets a 500 naming the request number, so a test fails loudly.
 */

export interface FakeToolCall {
  id?: string
  name: string
  arguments: string
}

export interface FakeReply {
  /** HTTP status; non-200 replies send `error` as the body. Default 200. */
  status?: number
  headers?: Record<string, string>
  error?: { message: string; type?: string; code?: string }
  content?: string
  toolCalls?: FakeToolCall[]
  usage?: { prompt_tokens: number; completion_tokens: number }
  finishReason?: string
  /** Never answer (for timeout tests); the socket is closed by `close()`. */
  hang?: boolean
  /** Streaming only: send this many content chunks, then drop the connection. */
  dropAfterChunks?: number
}

export interface ReceivedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown> | null
}

export interface FakeOpenAi {
  /** `http://127.0.0.1:<port>/v1` */
  baseUrl: string
  requests: ReceivedRequest[]
  /** Adds replies to the end of the script. */
  push(...replies: FakeReply[]): void
  close(): Promise<void>
}

/** Splits text into word-sized deltas that concatenate back to it. */
export const chunkText = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? []

export interface FakeOpenAiOptions {
  /** Answer every chat request this much later (a model's latency), ms. */
  latencyMs?: number
  /** The reply once the script is used up (instead of a 500): a server that answers any number of requests. */
  fallback?: FakeReply
}

export async function startFakeOpenAi(script: FakeReply[] = [], options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const replies = [...script]
  const requests: ReceivedRequest[] = []
  const sockets = new Set<Socket>()
  let completions = 0

  const server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (raw += c))
    req.on('end', () => (options.latencyMs ? setTimeout(() => handle(req, res, raw), options.latencyMs) : handle(req, res, raw)))
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    let body: Record<string, unknown> | null = null
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null
    } catch {
      body = null
    }
    const path = (req.url ?? '').split('?')[0]!
    requests.push({ method: req.method ?? '', path, headers: req.headers, body })
    if (req.method === 'GET' && path.endsWith('/models')) {
      return json(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] })
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      return json(res, 404, { error: { message: `fake: no route ${req.method} ${path}` } })
    }
    completions += 1
    const reply = replies.shift() ?? options.fallback
    if (!reply) return json(res, 500, { error: { message: `fake: no scripted reply for chat request #${completions}` } })
    if (reply.hang) return
    const status = reply.status ?? 200
    if (status !== 200) {
      return json(res, status, { error: reply.error ?? { message: `fake error ${status}` } }, reply.headers)
    }
    const model = String(body?.model ?? 'fake-model')
    const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 }
    const toolCalls = (reply.toolCalls ?? []).map((t, i) => ({ id: t.id ?? `call_${completions}_${i}`, name: t.name, arguments: t.arguments }))
    const finish = reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop')
    if (body?.stream) return stream(res, reply, model, toolCalls, finish, usage, !!(body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
    json(
      res,
      200,
      {
        id: `chatcmpl-${completions}`,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [
          {
            index: 0,
            finish_reason: finish,
            message: {
              role: 'assistant',
              content: reply.content ?? null,
              ...(toolCalls.length
                ? { tool_calls: toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) }
                : {}),
            },
          },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      },
      reply.headers,
    )
  }

  function stream(
    res: ServerResponse,
    reply: FakeReply,
    model: string,
    toolCalls: { id: string; name: string; arguments: string }[],
    finish: string,
    usage: { prompt_tokens: number; completion_tokens: number },
    includeUsage: boolean,
  ): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers })
    const base = { id: `chatcmpl-${completions}`, object: 'chat.completion.chunk', created: 0, model }
    const send = (delta: Record<string, unknown>, finishReason: string | null = null): void => {
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`)
    }
    send({ role: 'assistant', content: '' })
    const chunks = chunkText(reply.content ?? '')
    for (const [i, c] of chunks.entries()) {
      if (reply.dropAfterChunks !== undefined && i >= reply.dropAfterChunks) {
        // Flush what was sent, then cut the connection mid-answer.
        res.write(': dropping\n\n', () => setTimeout(() => res.socket?.destroy(), 5))
        return
      }
      send({ content: c })
    }
    toolCalls.forEach((t, index) => {
      const half = Math.ceil(t.arguments.length / 2)
      send({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments.slice(0, half) } }] })
      send({ tool_calls: [{ index, function: { arguments: t.arguments.slice(half) } }] })
    })
    send({}, finish)
    if (includeUsage) {
      res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`)
    }
    res.end('data: [DONE]\n\n')
  }

  function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(payload))
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...more) => void replies.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

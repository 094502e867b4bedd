import { isAbsolute, resolve } from 'node:path'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { ToolError, messageOf } from '../../engine/errors'
import { describeMcpServer, type McpServerConfig } from '../../engine/schema/mcpServers'
import { trackChild, untrackChild } from '../../engine/tools/childProcesses'

/**
 * The MCP SDK, loaded on the first server start: it costs ~0.4 s of module loading, which every
 * process (CLI command, rollout worker thread) without MCP servers should not pay.
 */
const loadSdk = async () => {
  const [client, stdio, http, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ])
  return { Client: client.Client, StdioClientTransport: stdio.StdioClientTransport, StreamableHTTPClientTransport: http.StreamableHTTPClientTransport, ErrorCode: types.ErrorCode, McpError: types.McpError }
}
let sdkLoad: ReturnType<typeof loadSdk> | undefined
const mcpSdk = (): ReturnType<typeof loadSdk> => (sdkLoad ??= loadSdk())

/** One tool as the server lists it. */
export interface McpToolInfo {
  name: string
  description?: string
  inputSchema: Record<string, unknown>
  /** `annotations.readOnlyHint`: the tool changes nothing. */
  readOnly: boolean
}

export interface ConnectionOptions {
  /** Folder relative `cwd`s resolve against; also the default `cwd` (the config folder). */
  baseDir: string
  /** Restart delays after a crash or failed start: base × 2^(n-1), at most max (default 250 ms … 30 s). */
  backoff?: { baseMs: number; maxMs: number }
  /** Receives the server's stderr, line by line (stdio servers). */
  onStderr?: (line: string) => void
}

const DEFAULT_STARTUP_MS = 10_000
const CALL_LIMIT_MS = 600_000 // the engine's tool timeout aborts earlier; this only bounds the SDK's own timer
const STDERR_TAIL = 1_000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.())

/**
 * One MCP server, started on first use and shared by every caller of this process (or worker
 * thread). A server that exits is restarted on the next use after a backoff; one that fails to
 * start fails fast with its last error until the backoff has passed.
 */
export class McpConnection {
  private client?: Client
  private starting?: Promise<Client>
  private toolList?: Promise<McpToolInfo[]>
  private failures = 0
  private retryAt = 0
  private lastStartError?: ToolError
  private closed = false
  private stderrTail = ''
  private readonly backoff: { baseMs: number; maxMs: number }

  constructor(readonly name: string, readonly config: McpServerConfig, private readonly o: ConnectionOptions) {
    this.backoff = o.backoff ?? { baseMs: 250, maxMs: 30_000 }
  }

  /** `MCP server "files" (command: npx -y …)`. */
  get description(): string {
    return describeMcpServer(this.name, this.config)
  }

  /** Whether a client is connected right now. */
  get running(): boolean {
    return this.client !== undefined
  }

  /** Pid of the running stdio server (tests). */
  pid: number | null = null

  /** The connected client, starting the server when needed. @throws ToolError `MCP_START_FAILED`. */
  async connect(): Promise<Client> {
    if (this.closed) throw new ToolError(`${this.description} is stopped`, 'MCP_STOPPED')
    if (this.client) return this.client
    this.starting ??= this.start().finally(() => (this.starting = undefined))
    return this.starting
  }

  /** The server's tools (listed once per server start, every page). */
  async tools(): Promise<McpToolInfo[]> {
    const client = await this.connect()
    this.toolList ??= (async () => {
      const out: McpToolInfo[] = []
      let cursor: string | undefined
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.startupMs })
        for (const t of page.tools) {
          out.push({ name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: t.inputSchema as Record<string, unknown>, readOnly: t.annotations?.readOnlyHint === true })
        }
        cursor = page.nextCursor
      } while (cursor)
      return out
    })()
    this.toolList.catch(() => (this.toolList = undefined))
    return this.toolList
  }

  /**
   * Calls one tool. A result with `isError` and every protocol or connection failure become a
   * {@link ToolError}, which the engine reports to the model like a built-in tool's error.
   */
  async call(tool: string, args: Record<string, unknown>, o: { signal: AbortSignal; idempotencyKey: string }) {
    const client = await this.connect()
    try {
      const result = await client.callTool(
        { name: tool, arguments: args, _meta: { 'p2engine/idempotencyKey': o.idempotencyKey } },
        undefined,
        { signal: o.signal, timeout: CALL_LIMIT_MS },
      )
      this.failures = 0 // a server that answers is healthy again: the next crash restarts quickly
      return result
    } catch (err) {
      if (o.signal.aborted) throw err
      const { ErrorCode, McpError } = await mcpSdk()
      if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
        throw new ToolError(`${this.description} exited during the call to ${tool}; it is restarted on the next call${this.tail()}`, 'MCP_SERVER_EXITED')
      }
      if (err instanceof McpError) throw new ToolError(`${this.name}: ${err.message}`, 'MCP_ERROR')
      // Transport failures (HTTP server gone): reconnect next time.
      this.dropClient(client)
      throw new ToolError(`${this.description} failed during the call to ${tool}: ${messageOf(err)}`, 'MCP_SERVER_FAILED')
    }
  }

  /** Stops the server (stdio: stdin closed, then SIGTERM, then SIGKILL). Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true
    const client = this.client ?? (await this.starting?.catch(() => undefined))
    this.client = undefined
    await client?.close().catch(() => undefined)
  }

  private get startupMs(): number {
    return (this.config.startup_timeout ?? DEFAULT_STARTUP_MS / 1000) * 1000
  }

  private async start(): Promise<Client> {
    const wait = this.retryAt - Date.now()
    if (wait > 0 && this.lastStartError) {
      throw new ToolError(`${this.lastStartError.message} (next try in ${Math.ceil(wait / 1000)} s)`, 'MCP_START_FAILED')
    }
    if (wait > 0) await sleep(wait) // restarting after a crash: a short wait, then go on
    const sdk = await mcpSdk()
    const transport = this.transport(sdk)
    const client = new sdk.Client({ name: 'p2engine', version: '1' })
    let timer: NodeJS.Timeout | undefined
    try {
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.startupMs / 1000} s`)), this.startupMs)
      })
      await Promise.race([client.connect(transport, { timeout: this.startupMs }), limit])
    } catch (err) {
      await transport.close().catch(() => undefined)
      await sleep(0) // let the exit and the last stderr lines arrive
      this.failed()
      this.lastStartError = new ToolError(`${this.description} failed to start: ${messageOf(err)}${this.tail()}`, 'MCP_START_FAILED')
      throw this.lastStartError
    } finally {
      clearTimeout(timer)
    }
    this.lastStartError = undefined
    if (transport instanceof sdk.StdioClientTransport && transport.pid !== null) {
      const pid = transport.pid
      this.pid = pid
      trackChild(pid)
      const onclose = client.onclose
      client.onclose = () => {
        onclose?.()
        untrackChild(pid)
      }
    }
    const prev = client.onclose
    client.onclose = () => {
      prev?.()
      if (this.client === client && !this.closed) {
        this.failed() // it exited on its own: restart on next use, after the backoff
        this.dropClient(client)
      }
    }
    this.client = client
    return client
  }

  private dropClient(client: Client): void {
    if (this.client !== client) return
    this.client = undefined
    this.toolList = undefined
    this.pid = null
    void client.close().catch(() => undefined)
  }

  private failed(): void {
    this.failures++
    this.retryAt = Date.now() + Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failures - 1))
  }

  private tail(): string {
    const t = this.stderrTail.trim()
    return t ? `; its stderr: ${t.split('\n').slice(-3).join(' | ')}` : ''
  }

  private transport(sdk: Awaited<ReturnType<typeof loadSdk>>): Transport {
    const { StdioClientTransport, StreamableHTTPClientTransport } = sdk
    const c = this.config
    if (c.url !== undefined) {
      return new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers: c.headers ?? {} } })
    }
    const t = new StdioClientTransport({
      command: c.command!,
      args: c.args ?? [],
      env: c.env ?? {},
      cwd: c.cwd ? (isAbsolute(c.cwd) ? c.cwd : resolve(this.o.baseDir, c.cwd)) : this.o.baseDir,
      stderr: 'pipe',
    })
    this.stderrTail = ''
    t.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL)
      if (this.o.onStderr) for (const line of text.split('\n')) if (line.trim()) this.o.onStderr(line)
    })
    return t
  }
}

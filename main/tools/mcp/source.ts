import { messageOf } from '../../engine/errors'
import type { LazyToolSource } from '../../engine/ports/toolSource'
import { MCP_TOOL_SEPARATOR, type McpServersConfig } from '../../engine/schema/mcpServers'
import type { Tool } from '../../engine/tools/types'
import { mcpTool, agentToolName } from './adapt'
import { McpConnection, type ConnectionOptions, type McpToolInfo } from './connection'
import type { McpListCache } from './listCache'

export interface McpSourceOptions extends ConnectionOptions {
  /** Told once per server and failure (a server that does not start, a missing tool); default: nowhere. */
  onProblem?: (message: string) => void
  /** Tool lists of earlier runs: tools are offered without starting their server (it starts on the first call). */
  cache?: McpListCache
}

/** One server's tools as listed (config validate, show-tools), or why it could not list them. */
export interface McpServerListing {
  server: string
  description: string
  tools?: (McpToolInfo & { agentName: string | null })[]
  error?: string
}

/**
 * The MCP servers of one process (or worker thread) as a {@link ToolSource}: tools named
 * `SERVER__TOOL`, each server started on first use and shared by every conversation, closed with
 * {@link close}. A server that fails does not affect the other servers or the built-in tools.
 */
export class McpToolSource implements LazyToolSource {
  readonly label = 'mcp'
  readonly connections = new Map<string, McpConnection>()
  private readonly told = new Set<string>()

  constructor(servers: McpServersConfig, private readonly o: McpSourceOptions) {
    for (const [name, config] of Object.entries(servers)) this.connections.set(name, new McpConnection(name, config, o))
  }

  owns(name: string): boolean {
    return this.serverOf(name) !== undefined
  }

  async load(names: readonly string[]): Promise<{ tools: Tool[]; unavailable: { name: string; reason: string }[] }> {
    const byServer = new Map<McpConnection, string[]>()
    for (const n of names) {
      const conn = this.serverOf(n)
      if (conn) byServer.set(conn, [...(byServer.get(conn) ?? []), n])
    }
    const tools: Tool[] = []
    const unavailable: { name: string; reason: string }[] = []
    await Promise.all([...byServer].map(async ([conn, wanted]) => {
      let infos: McpToolInfo[]
      try {
        infos = (!conn.running && this.o.cache?.get(conn.name, conn.config)) || (await this.listed(conn))
      } catch (err) {
        const reason = messageOf(err)
        this.tell(`${conn.name}:start`, reason)
        for (const name of wanted) unavailable.push({ name, reason })
        return
      }
      this.told.delete(`${conn.name}:start`)
      for (const name of wanted) {
        const info = infos.find((i) => agentToolName(conn.name, i.name) === name)
        const tool = info ? mcpTool(conn, info) : null
        if (tool) tools.push(tool)
        else {
          const reason = `${conn.description} has no tool "${name.slice(conn.name.length + MCP_TOOL_SEPARATOR.length)}"; its tools: ${infos.map((i) => agentToolName(conn.name, i.name) ?? i.name).join(', ') || '(none)'}`
          this.tell(`${name}:missing`, reason)
          unavailable.push({ name, reason })
        }
      }
    }))
    return { tools, unavailable }
  }

  /**
   * Starts every server (or only `only`) and lists its tools, each within its startup timeout;
   * a server that fails is reported in its listing, not thrown.
   */
  async list(only?: readonly string[]): Promise<McpServerListing[]> {
    const conns = [...this.connections.values()].filter((c) => !only || only.includes(c.name))
    return Promise.all(conns.map(async (conn) => {
      try {
        const tools = (await this.listed(conn)).map((t) => ({ ...t, agentName: agentToolName(conn.name, t.name) }))
        return { server: conn.name, description: conn.description, tools }
      } catch (err) {
        return { server: conn.name, description: conn.description, error: messageOf(err) }
      }
    }))
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()))
  }

  /** The server's live tool list (starting it), remembered in the cache. */
  private async listed(conn: McpConnection): Promise<McpToolInfo[]> {
    const tools = await conn.tools()
    this.o.cache?.set(conn.name, conn.config, tools)
    return tools
  }

  private serverOf(name: string): McpConnection | undefined {
    const i = name.indexOf(MCP_TOOL_SEPARATOR)
    return i > 0 && name.length > i + MCP_TOOL_SEPARATOR.length ? this.connections.get(name.slice(0, i)) : undefined
  }

  private tell(key: string, message: string): void {
    if (this.told.has(key)) return
    this.told.add(key)
    this.o.onProblem?.(message)
  }
}

import { z } from 'zod'

/**
 * `mcp_servers` of `config.json` (or of `config/mcp.json`): named MCP servers whose tools become
 * agent tools called `SERVER__TOOL`. A server is either stdio (`command`, `args`, `env`, `cwd`)
 * or Streamable HTTP (`url`, `headers`), never both. Strict like the rest of config.json.
 */

/** Server names: they prefix tool names, so they may not contain `__` (the separator). */
export const MCP_SERVER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_))*$/

/** The separator between server and tool in an agent tool name. */
export const MCP_TOOL_SEPARATOR = '__'

const seconds = z.number().positive()

export const McpServerSchema = z
  .strictObject({
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Seconds to wait for the server to start and answer `initialize` / `tools/list` (default 10). */
    startup_timeout: seconds.optional(),
    /** Seconds a result of a read-only tool (`readOnlyHint`) is reused for the same arguments (default: not cached). */
    cache_ttl: seconds.optional(),
  })
  .superRefine((s, ctx) => {
    const stdio = s.command !== undefined
    const http = s.url !== undefined
    if (stdio === http) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a server needs either "command" (stdio) or "url" (Streamable HTTP), not both' + (stdio ? '' : ' and not neither') })
      return
    }
    const wrong = stdio ? (['headers'] as const) : (['args', 'env', 'cwd'] as const)
    for (const k of wrong) {
      if (s[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" applies only to ${stdio ? 'url (HTTP)' : 'command (stdio)'} servers` })
    }
  })

export const McpServersSchema = z.record(z.string(), McpServerSchema).superRefine((servers, ctx) => {
  for (const name of Object.keys(servers)) {
    if (!MCP_SERVER_NAME.test(name) || name.length > 32) {
      ctx.addIssue({ code: 'custom', path: [name], message: `bad server name "${name}": expected 1–32 letters, digits, "-" and single "_" (no "__": it separates server and tool in SERVER__TOOL)` })
    }
  }
})

/** `config/mcp.json`: only the servers. */
export const McpFileSchema = z.strictObject({ mcp_servers: McpServersSchema })

export type McpServerConfig = z.infer<typeof McpServerSchema>
export type McpServersConfig = z.infer<typeof McpServersSchema>

/** `SERVER__TOOL`. */
export const mcpToolName = (server: string, tool: string): string => `${server}${MCP_TOOL_SEPARATOR}${tool}`

/** A URL for messages and logs: without user, password and query (they may hold secrets). */
function shownUrl(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`
  } catch {
    return url
  }
}

/** What a stdio server runs, for messages: `npx -y @scope/server /data`. */
export function describeMcpServer(name: string, s: McpServerConfig): string {
  const how = s.command !== undefined ? `command: ${[s.command, ...(s.args ?? [])].join(' ')}` : `url: ${shownUrl(s.url!)}`
  return `MCP server "${name}" (${how})`
}

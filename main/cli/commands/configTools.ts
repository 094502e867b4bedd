import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { displayPath, loadAppConfigFile } from '../../engine/config/load'
import type { ConfigIssue } from '../../engine/config/issues'
import { loadMcpServers, mcpToolPrefixes } from '../../engine/config/mcpConfig'
import type { McpServersConfig } from '../../engine/schema/mcpServers'
import { mcpListCache } from '../../compose/mcp'
import { mcpFunctionSchema } from '../../tools/mcp/adapt'
import type { McpListCache } from '../../tools/mcp/listCache'
import { McpToolSource, type McpServerListing } from '../../tools/mcp/source'
import type { CliContext } from '../context'

/** One tool as `config show-tools` lists it. */
export interface ToolListing {
  name: string
  description: string
  sideEffectFree: boolean
  cacheTtl: number | null
  parameters: Record<string, unknown>
  /** `builtin`, `custom` or `mcp:SERVER`. */
  source: string
  /** The file of a custom tool (full path), else null. */
  file: string | null
}

/** Starts the servers, lists their tools (each within its startup timeout) and stops them again. */
export async function listMcpServers(servers: McpServersConfig, configDir: string, cache?: McpListCache): Promise<McpServerListing[]> {
  if (!Object.keys(servers).length) return []
  const source = new McpToolSource(servers, { baseDir: configDir, ...(cache ? { cache } : {}) })
  try {
    return await source.list()
  } finally {
    await source.close()
  }
}

/** The MCP servers of a config folder's own files (config.json and mcp.json), for `config validate DIR`. */
export function mcpServersOfDir(dir: string): { servers: McpServersConfig; names: string[] } {
  const path = join(dir, 'config.json')
  const app = existsSync(path) ? loadAppConfigFile(path).value : undefined
  const from = app ? { file: displayPath(path), servers: app.mcp_servers } : undefined
  // Problems of these files are reported by the validation itself.
  return loadMcpServers(dir, displayPath, from)
}

/**
 * Every tool agents may name: the registered ones (built-in) and the MCP servers' (started to
 * list their tools, then stopped), plus the servers that failed.
 */
export async function listMcpTools(ctx: CliContext): Promise<{ tools: ToolListing[]; failed: McpServerListing[] }> {
  const registry = ctx.engine.deps.tools
  const tools: ToolListing[] = registry.entries().map(({ tool: t, origin }) => ({
    name: t.name, description: t.description, sideEffectFree: Boolean(t.sideEffectFree), cacheTtl: t.cacheTtl ?? null,
    parameters: t.functionSchema.parameters, source: origin.kind === 'mcp' ? origin.source : origin.kind, file: origin.kind === 'custom' ? (origin.location ?? null) : null,
  }))
  const servers = ctx.config.mcpServers ?? {}
  const listings = await listMcpServers(servers, ctx.config.configDir, mcpListCache(ctx.config.settings.home))
  for (const l of listings) {
    for (const t of l.tools ?? []) {
      if (!t.agentName || registry.has(t.agentName)) continue
      const schema = mcpFunctionSchema(t.agentName, t, l.server)
      const ttl = t.readOnly ? (servers[l.server]?.cache_ttl ?? null) : null
      tools.push({ name: t.agentName, description: schema.description, sideEffectFree: t.readOnly, cacheTtl: ttl, parameters: schema.parameters, source: `mcp:${l.server}`, file: null })
    }
  }
  return { tools, failed: listings.filter((l) => l.error) }
}

/** The validation's view of MCP servers: their tool names, prefixes of servers that failed, one issue per failure. */
export async function mcpValidation(dir: string): Promise<{ servers: number; tools: string[]; failedPrefixes: string[]; issues: ConfigIssue[] }> {
  const { servers, names } = mcpServersOfDir(dir)
  const listings = await listMcpServers(servers, dir)
  // Servers that did not list (failed, or invalid in the file): their tool names are not reported again.
  const unlisted = [...listings.filter((l) => l.error).map((l) => l.server), ...names.filter((n) => !servers[n])]
  return {
    servers: Object.keys(servers).length,
    tools: listings.flatMap((l) => (l.tools ?? []).flatMap((t) => (t.agentName ? [t.agentName] : []))),
    failedPrefixes: mcpToolPrefixes(unlisted),
    issues: listings.filter((l) => l.error).map((l) => ({ file: 'mcp_servers', path: l.server, message: l.error! })),
  }
}


import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { McpFileSchema, MCP_TOOL_SEPARATOR, type McpServersConfig } from '../schema/mcpServers'
import { parseJsonSource, validateParsed, type ConfigIssue } from './issues'
import { readLimited } from './readLimited'

/** The MCP servers of a config folder and where they were defined. */
export interface McpServersLoad {
  servers: McpServersConfig
  /** Files that define servers (config.json and/or mcp.json), as shown. */
  files: string[]
  issues: ConfigIssue[]
  /** Every server name the files mention, valid or not (their tool names are not reported twice). */
  names: string[]
}

/** `<configDir>/mcp.json`: an optional file holding only `{ "mcp_servers": { … } }`. */
export const mcpFileOf = (configDir: string): string => join(configDir, 'mcp.json')

/**
 * Merges `mcp_servers` of config.json (already validated, `fromAppConfig`) with those of
 * `config/mcp.json`. A name defined in both files is an issue naming both (never a silent
 * override).
 */
export function loadMcpServers(configDir: string, show: (path: string) => string, fromAppConfig?: { file: string; servers: McpServersConfig }): McpServersLoad {
  const servers: McpServersConfig = { ...(fromAppConfig?.servers ?? {}) }
  const files = fromAppConfig && Object.keys(fromAppConfig.servers).length ? [fromAppConfig.file] : []
  const path = mcpFileOf(configDir)
  if (!existsSync(path)) return { servers, files, issues: [], names: Object.keys(servers) }
  const file = show(path)
  const text = readLimited(path)
  if (!('text' in text)) return { servers, files, issues: [{ file, path: '', message: text.problem }], names: Object.keys(servers) }
  const src = parseJsonSource(text.text)
  const r = validateParsed(file, src, McpFileSchema)
  if (!r.value) {
    const raw = (src.data as { mcp_servers?: unknown } | null)?.mcp_servers
    const named = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : []
    return { servers, files, issues: r.issues, names: [...new Set([...Object.keys(servers), ...named])] }
  }
  const issues: ConfigIssue[] = []
  for (const [name, server] of Object.entries(r.value.mcp_servers)) {
    if (servers[name]) {
      issues.push({ file, line: src.lineOf(['mcp_servers', name]), path: `mcp_servers.${name}`, message: `MCP server "${name}" is also defined in ${fromAppConfig!.file}; define it in one file` })
      continue
    }
    servers[name] = server
  }
  if (Object.keys(r.value.mcp_servers).length) files.push(file)
  return { servers, files, issues, names: Object.keys(servers) }
}

/** Tool-name prefixes (`SERVER__`) of the configured servers: names agents may use before the servers ran. */
export const mcpToolPrefixes = (servers: McpServersConfig | readonly string[] | undefined): string[] =>
  (Array.isArray(servers) ? [...servers] : Object.keys(servers ?? {})).sort().map((s) => `${s}${MCP_TOOL_SEPARATOR}`)

import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { McpServerConfig } from '../../engine/schema/mcpServers'
import type { McpToolInfo } from './connection'

interface Entry { configHash: string; listedAt: number; tools: McpToolInfo[] }

const hashOf = (config: McpServerConfig): string => createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)

/**
 * The tool lists servers gave last time (`<state folder>/mcp-tools.json`), keyed by server name
 * and its configuration: with them an agent's MCP tools are offered without starting the server,
 * which then starts on the first call. `config show-tools` and `config validate` refresh them, and
 * so does every start of a server. A changed server config ignores the old list.
 */
export class McpListCache {
  constructor(private readonly file: string) {}

  get(server: string, config: McpServerConfig): McpToolInfo[] | undefined {
    const e = this.read()[server]
    return e && e.configHash === hashOf(config) && Array.isArray(e.tools) ? e.tools : undefined
  }

  set(server: string, config: McpServerConfig, tools: McpToolInfo[]): void {
    const all = this.read()
    all[server] = { configHash: hashOf(config), listedAt: Date.now(), tools }
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
      const tmp = `${this.file}.${process.pid}.tmp`
      writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 })
      renameSync(tmp, this.file) // never a half-written file
    } catch {
      // A cache that cannot be written only means servers start earlier next time.
    }
  }

  private read(): Record<string, Entry> {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, Entry>) : {}
    } catch {
      return {}
    }
  }
}

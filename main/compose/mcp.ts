import { join } from 'node:path'
import type { LoadedConfig } from '../engine/config/types'
import type { Logger } from '../engine/ports/logger'
import { McpToolSource } from '../tools/mcp/source'
import { McpListCache } from '../tools/mcp/listCache'

/** Where the servers' last tool lists are kept (the state folder). */
export const mcpListCache = (home: string): McpListCache => new McpListCache(join(home, 'mcp-tools.json'))

/**
 * The MCP servers of a config as one tool source for this process (or worker thread): started on
 * first use, their problems logged (and told to `onProblem` once each), their stderr logged at debug.
 */
export function mcpToolSource(config: LoadedConfig, log: Logger, onProblem?: (message: string) => void): McpToolSource {
  const mlog = log.child({ component: 'mcp' })
  return new McpToolSource(config.mcpServers ?? {}, {
    baseDir: config.configDir,
    onProblem: (m) => {
      mlog.warn(m)
      onProblem?.(m)
    },
    onStderr: (line) => mlog.debug('server stderr', { line }),
    cache: mcpListCache(config.settings.home),
  })
}

import type { Tool } from '../tools/types'

/**
 * A source of tools that become known only at run time (MCP servers: their tool lists come from
 * the running server). The registry asks it for the names it owns just before a turn offers them
 * or a call runs them; until then nothing is started.
 */
export interface LazyToolSource {
  /** Short label for messages (`mcp`). */
  readonly label: string
  /** Whether `name` belongs to this source (e.g. `files__read_file`), loaded or not. */
  owns(name: string): boolean
  /**
   * Defines the tools for `names` (all owned by this source). Never throws: a name that cannot
   * be defined now (its server does not start, it has no such tool) comes back in `unavailable`
   * with the reason a model calling it is told.
   */
  load(names: readonly string[]): Promise<{ tools: Tool[]; unavailable: { name: string; reason: string }[] }>
  /** Stops whatever the source started (processes, connections). */
  close(): Promise<void>
}

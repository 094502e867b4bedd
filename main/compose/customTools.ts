import { BUILTIN_TOOL_NAMES } from '../engine/config/agentRefs'
import { displayPath } from '../engine/config/load'
import type { Logger } from '../engine/ports/logger'
import { CUSTOM_SOURCE, loadCustomToolsSync, type CustomToolsLoad } from '../engine/tools/custom/loadToolFiles'
import { formatToolProblem, type ToolSourceLoad } from '../engine/tools/sources'

/** A host's custom tools, loaded once at start-up, before its config is checked against tool names. */
export interface HostTools {
  load: CustomToolsLoad
  /** Built-in plus custom tool names: what agents.yml may name (`loadConfig({ tools })`). */
  names: string[]
  /** For `composeEngine({ toolSources })`. */
  sources: { id: string; load: ToolSourceLoad }[]
  /** One line per problem, naming the file (warnings for hosts; `config validate` makes them errors). */
  problems: string[]
}

/**
 * Loads `<configDir>/tools/` for a host (CLI, app, rollout worker). Bad files do not stop the
 * host: their problems come back as lines, and an agent that names a tool of a broken file then
 * fails config loading with "unknown tool", after those lines.
 */
export function loadHostTools(configDir: string, o: { logger?: Logger } = {}): HostTools {
  const load = loadCustomToolsSync(configDir, { display: displayPath, ...(o.logger ? { logger: o.logger } : {}) })
  return {
    load,
    names: [...new Set([...BUILTIN_TOOL_NAMES, ...load.tools.map((t) => t.tool.name)])].sort(),
    sources: [{ id: CUSTOM_SOURCE, load }],
    problems: load.problems.map(formatToolProblem),
  }
}

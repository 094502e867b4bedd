import { BUILTIN_TOOL_NAMES } from '../engine/config/agentRefs'
import { displayPath } from '../engine/config/load'
import { deferredLogger, type Logger } from '../engine/ports/logger'
import { CUSTOM_SOURCE, loadCustomToolsSync, type CustomToolsLoad } from '../engine/tools/custom/loadToolFiles'
import { formatToolProblem, type ToolSourceLoad } from '../engine/tools/sources'
import type { ToolNameCache } from './toolNameCache'

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
export function loadHostTools(configDir: string, o: { logger?: Logger | (() => Logger); names?: ToolNameCache } = {}): HostTools {
  const logger = typeof o.logger === 'function' ? deferredLogger(o.logger) : o.logger
  let loaded: CustomToolsLoad | undefined
  const load = (): CustomToolsLoad => (loaded ??= loadCustomToolsSync(configDir, { display: displayPath, ...(logger ? { logger } : {}) }))
  const withBuiltins = (custom: string[]) => [...new Set([...BUILTIN_TOOL_NAMES, ...custom])].sort()
  // With a name cache (the CLI), the files are imported only when a tool is needed or they changed.
  const cached = o.names?.get()
  let names: string[]
  if (cached) names = withBuiltins(cached)
  else {
    const custom = load().tools.map((t) => t.tool.name)
    names = withBuiltins(custom)
    if (load().problems.length === 0) o.names?.put(custom)
  }
  return {
    get load() {
      return load()
    },
    names,
    get sources() {
      return [{ id: CUSTOM_SOURCE, load: load() }]
    },
    // Names from the cache mean the same files loaded without a problem last time.
    get problems() {
      return loaded ? loaded.problems.map(formatToolProblem) : []
    },
  }
}


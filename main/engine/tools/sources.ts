import type { SourcedTool, ToolProblem, ToolRegistry, ToolSourceKind } from './registry'

/**
 * Tool sources: where an engine's tools come from besides its built-ins. Every source yields
 * {@link SourcedTool}s (a validated `Tool` plus its origin) and problems; the composition root
 * merges them into ONE registry per process, in a fixed order (built-ins first, then custom
 * files, then MCP servers), so a name clash is detected and reported against whatever came first.
 *
 * Sources never throw for a user mistake (a broken file, a server that does not start): those
 * are {@link ToolProblem}s, and every other tool keeps working.
 */
export interface ToolSource {
  /** Unique in a registry: `custom`, `mcp:<server>`. Hot reload replaces tools by this id. */
  readonly id: string
  readonly kind: ToolSourceKind
  /** Loads (or re-loads) the source's tools. */
  load(): ToolSourceLoad | Promise<ToolSourceLoad>
}

/** What one load of a source gave. */
export interface ToolSourceLoad {
  tools: SourcedTool[]
  problems: ToolProblem[]
}

/**
 * Adds already loaded sources to `registry` (replacing earlier tools of the same source id) and
 * returns every problem: the sources' own plus name clashes (with built-ins, or between sources).
 */
export function mergeToolSources(registry: ToolRegistry, loads: readonly { id: string; load: ToolSourceLoad }[]): ToolProblem[] {
  const problems: ToolProblem[] = []
  for (const { id, load } of loads) problems.push(...load.problems, ...registry.replaceSource(id, load.tools))
  return problems
}

/** Loads `sources` one after another and merges them into `registry` (see {@link mergeToolSources}). */
export async function loadToolSources(registry: ToolRegistry, sources: readonly ToolSource[]): Promise<ToolProblem[]> {
  const loads: { id: string; load: ToolSourceLoad }[] = []
  for (const s of sources) loads.push({ id: s.id, load: await s.load() })
  return mergeToolSources(registry, loads)
}

/** One line per problem, naming the file or server: `config/tools/x.mjs: tool "x": …`. */
export function formatToolProblem(p: ToolProblem): string {
  return `${p.location ?? p.source}: ${p.message}`
}

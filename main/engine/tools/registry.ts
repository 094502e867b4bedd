import { ToolError, UserInputError } from '../errors'
import type { LazyToolSource } from '../ports/toolSource'
import type { FunctionSchema, Tool } from './types'

/** Where tools come from: the engine itself, `config/tools/*.mjs` files, or an MCP server. */
export type ToolSourceKind = 'builtin' | 'custom' | 'mcp'

/** Where one registered tool came from (shown by `config show-tools`, used by hot reload). */
export interface ToolOrigin {
  kind: ToolSourceKind
  /** The source's id: `builtin`, `custom`, `mcp:<server>`; {@link ToolRegistry.replaceSource} swaps by it. */
  source: string
  /** The file (custom tools) or server command / URL (MCP) that defined it, for messages. */
  location?: string
}

/** A tool together with its origin: what a {@link ToolSource} yields. */
export interface SourcedTool {
  tool: Tool
  origin: ToolOrigin
}

/** A tool that could not be registered or loaded, named by where it came from. */
export interface ToolProblem {
  /** Source id (`custom`, `mcp:<server>`). */
  source: string
  /** File or server the problem is in. */
  location?: string
  /** The tool's name when known. */
  tool?: string
  message: string
}

/** Origin of the engine's own tools. */
export const BUILTIN_ORIGIN: ToolOrigin = Object.freeze({ kind: 'builtin', source: 'builtin' })

const describe = (o: ToolOrigin): string =>
  o.kind === 'builtin' ? 'a built-in tool' : `the tool from ${o.location ?? o.source}`

/**
 * The tools one engine instance offers, by name, each with its {@link ToolOrigin}. Not a
 * process-global: the composition root builds one (built-ins, then custom files, then MCP
 * servers: see `sources.ts`) and passes it on, so tests can use their own. A source's tools can be
 * swapped at run time ({@link replaceSource}: hot reload of `config/tools/`).
 */
export class ToolRegistry {
  private readonly tools = new Map<string, SourcedTool>()
  private readonly disabled = new Map<string, string>()
  private readonly sources: LazyToolSource[] = []

  constructor(tools: Iterable<Tool> = []) {
    for (const t of tools) this.register(t)
  }

  /** @throws ToolError (code `DUPLICATE_TOOL`) when the name is taken; the original ignored duplicates silently. */
  register(tool: Tool, origin: ToolOrigin = BUILTIN_ORIGIN): this {
    if (this.tools.has(tool.name)) throw new ToolError(`tool "${tool.name}" is already registered`, 'DUPLICATE_TOOL')
    // A `Tool` only comes from defineTool, which validated it; guard against hand-made objects.
    if (!tool.functionSchema) throw new ToolError(`tool "${tool.name}" was not made with defineTool`, 'BAD_TOOL_DEFINITION')
    this.tools.set(tool.name, { tool, origin })
    return this
  }

  /** Why `name` cannot be registered (taken or a turned-off built-in), or undefined. */
  private clashOf(name: string): string | undefined {
    const taken = this.tools.get(name)
    if (taken) return `it is ${describe(taken.origin)}`
    if (this.disabled.has(name)) return 'it is a built-in tool (turned off in this setup)'
    return undefined
  }

  /**
   * Replaces every tool of `source` with `tools` (hot reload, a restarted MCP server). A tool
   * whose name is taken by another source is left out and reported, never registered twice and
   * never thrown: one bad file must not take the other tools down.
   */
  replaceSource(source: string, tools: readonly SourcedTool[]): ToolProblem[] {
    for (const [name, t] of [...this.tools]) if (t.origin.source === source) this.tools.delete(name)
    const problems: ToolProblem[] = []
    for (const t of tools) {
      const clash = this.clashOf(t.tool.name)
      if (clash) {
        problems.push({ source, ...(t.origin.location ? { location: t.origin.location } : {}), tool: t.tool.name, message: `tool "${t.tool.name}" clashes with another tool of that name: ${clash}` })
        continue
      }
      this.register(t.tool, t.origin)
    }
    return problems
  }

  /** Marks `name` as turned off in this setup: it is not offered, and a call gets `reason`. */
  disable(name: string, reason: string): this {
    this.disabled.set(name, reason)
    return this
  }

  /** Why `name` is turned off, or undefined. */
  disabledReason(name: string): string | undefined {
    return this.tools.has(name) ? undefined : this.disabled.get(name)
  }

  /** Names that are turned off in this setup (they exist, but are not offered). */
  disabledNames(): string[] {
    return [...this.disabled.keys()].filter((n) => !this.tools.has(n)).sort()
  }

  /** Adds a source of run-time tools (MCP servers); its tools are loaded by {@link prepare}. */
  addSource(source: LazyToolSource): this {
    this.sources.push(source)
    return this
  }

  /** Whether a source (MCP server) owns `name`, loaded or not (`SERVER__TOOL` of a configured server). */
  owns(name: string): boolean {
    return this.sources.some((s) => s.owns(name))
  }

  /** Whether some of `names` belong to a source and are not loaded yet (then `await prepare(names)`). */
  needsPrepare(names: readonly string[]): boolean {
    return this.sources.length > 0 && names.some((n) => !this.tools.has(n) && this.sources.some((s) => s.owns(n)))
  }

  /**
   * Loads the source tools among `names` that are not registered yet (starting their servers on
   * first use). A name its source cannot provide now is disabled with the source's reason, so a
   * call gets that reason as a `TOOL_DISABLED` error; a later prepare tries again.
   */
  async prepare(names: readonly string[]): Promise<void> {
    for (const source of this.sources) {
      const wanted = [...new Set(names)].filter((n) => !this.tools.has(n) && source.owns(n))
      if (!wanted.length) continue
      const { tools, unavailable } = await source.load(wanted)
      for (const t of tools) {
        if (this.tools.has(t.name)) continue // a concurrent prepare got there first
        this.register(t, { kind: 'mcp', source: `mcp:${t.name.split('__')[0]}`, location: source.label })
        this.disabled.delete(t.name)
      }
      for (const u of unavailable) if (!this.tools.has(u.name)) this.disabled.set(u.name, u.reason)
    }
  }

  /** Stops every source (MCP server processes and connections). */
  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()))
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name)?.tool
  }

  /** Where `name` came from, or undefined when it is not registered. */
  originOf(name: string): ToolOrigin | undefined {
    return this.tools.get(name)?.origin
  }

  has(name: string): boolean {
    return this.tools.has(name)
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.tools.keys()].sort()
  }

  /** Every registered tool with its origin, sorted by name. */
  entries(): SourcedTool[] {
    return this.names().map((n) => this.tools.get(n)!)
  }

  /**
   * The tool called `name`.
   * @throws UserInputError naming it and listing the known tools (for configs and CLI flags).
   */
  require(name: string): Tool {
    const tool = this.get(name)
    if (!tool) throw new UserInputError(`unknown tool "${name}"; known tools: ${this.names().join(', ') || '(none)'}`, 'UNKNOWN_TOOL')
    return tool
  }

  /** Function schemas for `names`, in that order; unknown names throw like {@link require}. */
  schemas(names: readonly string[]): FunctionSchema[] {
    return names.map((n) => this.require(n).functionSchema)
  }
}

/**
 * Every tool name an agent or a rollout variant may use with this registry: the registered ones
 * plus those turned off in this setup (a wallet tool while the ledger is disabled still exists;
 * a call gets a clear refusal). What config checks compare agents.yml and variants against.
 */
export function knownToolNames(registry: ToolRegistry): string[] {
  return [...new Set([...registry.names(), ...registry.disabledNames()])].sort()
}

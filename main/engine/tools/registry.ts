import { ToolError, UserInputError } from '../errors'
import type { ToolSource } from '../ports/toolSource'
import type { FunctionSchema, Tool } from './types'

/**
 * The tools one engine instance offers, by name. Not a process-global: the composition root
 * builds one and passes it on, so tests can use their own.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>()
  private readonly disabled = new Map<string, string>()
  private readonly sources: ToolSource[] = []

  constructor(tools: Iterable<Tool> = []) {
    for (const t of tools) this.register(t)
  }

  /** @throws ToolError (code `DUPLICATE_TOOL`) when the name is taken; the original ignored duplicates silently. */
  register(tool: Tool): this {
    if (this.tools.has(tool.name)) throw new ToolError(`tool "${tool.name}" is already registered`, 'DUPLICATE_TOOL')
    // A `Tool` only comes from defineTool, which validated it; guard against hand-made objects.
    if (!tool.functionSchema) throw new ToolError(`tool "${tool.name}" was not made with defineTool`, 'BAD_TOOL_DEFINITION')
    this.tools.set(tool.name, tool)
    return this
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

  /** Adds a source of run-time tools (MCP servers); its tools are loaded by {@link prepare}. */
  addSource(source: ToolSource): this {
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
        this.register(t)
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
    return this.tools.get(name)
  }

  has(name: string): boolean {
    return this.tools.has(name)
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.tools.keys()].sort()
  }

  /**
   * The tool called `name`.
   * @throws UserInputError naming it and listing the known tools (for configs and CLI flags).
   */
  require(name: string): Tool {
    const tool = this.tools.get(name)
    if (!tool) throw new UserInputError(`unknown tool "${name}"; known tools: ${this.names().join(', ') || '(none)'}`, 'UNKNOWN_TOOL')
    return tool
  }

  /** Function schemas for `names`, in that order; unknown names throw like {@link require}. */
  schemas(names: readonly string[]): FunctionSchema[] {
    return names.map((n) => this.require(n).functionSchema)
  }
}

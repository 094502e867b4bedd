import { ToolError, UserInputError } from '../errors'
import type { FunctionSchema, Tool } from './types'

/**
 * The tools one engine instance offers, by name. Not a process-global: the composition root
 * builds one and passes it on, so tests can use their own.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>()
  private readonly disabled = new Map<string, string>()

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

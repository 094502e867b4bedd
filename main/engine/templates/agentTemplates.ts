import { join } from 'node:path'
import { UserInputError } from '../errors'
import { TemplateRenderer } from './renderer'
import { personaNames } from './templateFiles'

/** Tool schema fields the system prompt uses. */
export interface ToolSummary {
  name: string
  description: string
}

/**
 * The agent prompt templates of a config folder (`<configDir>/templates`): system message,
 * personas and reflection prompts, rendered to the original's exact text.
 */
export class AgentTemplates {
  readonly renderer: TemplateRenderer

  constructor(configDir: string) {
    this.renderer = new TemplateRenderer(join(configDir, 'templates'))
  }

  /** Persona names: file stems in `personas/`, sorted. */
  personas(): string[] {
    return personaNames(this.renderer.list())
  }

  private readonly systemMessages = new Map<string, string>()

  /** `system_message.j2` with the offered tools (an empty list renders the no-tools text); memoised per tool set. */
  systemMessage(tools: readonly ToolSummary[]): string {
    // An agent asks with the same tools turn after turn: compared in place, no key is built.
    const last = this.lastSystem
    if (last !== null && sameTools(last.tools, tools)) return last.text
    const key = JSON.stringify(tools.map((t) => [t.name, t.description]))
    let text = this.systemMessages.get(key)
    if (text === undefined) {
      text = this.renderer.renderTemplate('system_message.j2', { tools: tools.map((t) => ({ name: t.name, description: t.description })) })
      this.systemMessages.set(key, text)
    }
    this.lastSystem = { tools: tools.map((t) => ({ name: t.name, description: t.description })), text }
    return text
  }

  /** The tools (copied) and text of the last system message asked for. */
  private lastSystem: { tools: readonly ToolSummary[]; text: string } | null = null

  /** `personas/<name>.j2` with the last user question. @throws UserInputError for an unknown persona. */
  persona(name: string, question: string): string {
    const known = this.personas()
    if (!known.includes(name)) {
      throw new UserInputError(`unknown persona "${name}"; available: ${known.length ? known.join(', ') : '(none)'}`, 'UNKNOWN_PERSONA')
    }
    return this.renderer.renderTemplate(`personas/${name}`, { question })
  }

  /** `reflection/self.j2`: asks the model to critique its previous answer. */
  selfReflection(response: string): string {
    return this.renderer.renderTemplate('reflection/self.j2', { response })
  }

  /** `reflection/tool.j2`: asks the model to review a tool output (dicts print as Python repr). */
  toolReflection(toolName: string, args: unknown, result: unknown): string {
    return this.renderer.renderTemplate('reflection/tool.j2', { tool_name: toolName, arguments: args, result })
  }
}

/** The judge prompt environment (`<configDir>/evals/templates`): trim_blocks + lstrip_blocks like the original. */
export function judgeTemplates(configDir: string): TemplateRenderer {
  return new TemplateRenderer(join(configDir, 'evals', 'templates'), { trimBlocks: true, lstripBlocks: true })
}

const sameTools = (a: readonly ToolSummary[], b: readonly ToolSummary[]): boolean =>
  a.length === b.length && a.every((t, i) => t.name === b[i]!.name && t.description === b[i]!.description)

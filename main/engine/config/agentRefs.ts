import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { personaNames, templateFiles } from '../templates/templateFiles'
import { BUILTIN_TOOL_NAME_LIST } from '../tools/builtins/names'
import type { AgentDefinition } from '../schema/agents'
import { formatPath, type ConfigIssue } from './issues'

/**
 * Checks what an agents file names outside itself: tools (the tool registry), personas
 * (`templates/personas/<name>.j2` of the config folder) and reflection agents (the file's own
 * ids). A name the schema accepts but nothing provides is an error here, at load time — the
 * original dropped unknown tools silently and failed every turn later.
 */

/** What names may refer to. */
export interface RefChoices {
  /** Registered tool names. */
  tools: readonly string[]
  /**
   * Prefixes of tools that exist once their source runs (MCP servers: `SERVER__`): a name with
   * one is accepted here; `config validate` checks it against the server's live tool list.
   */
  toolPrefixes?: readonly string[]
  /** Persona names (file stems in `templates/personas/`). */
  personas: readonly string[]
  /** Where personas are looked up, for messages (e.g. `config/templates/personas/`). */
  personaDir: string
}

/** The built-in tool names, sorted: what every engine registers. */
export const BUILTIN_TOOL_NAMES: readonly string[] = [...BUILTIN_TOOL_NAME_LIST].sort()

/** Persona names available in a config folder (`templates/personas/*.j2`). */
export function personasOf(configDir: string): string[] {
  const templates = join(configDir, 'templates')
  if (!existsSync(templates) || !statSync(templates).isDirectory()) return []
  return personaNames(templateFiles(templates))
}

/** Choices of a config folder with the built-in tools (or `tools`, when a composition adds some). */
export function refChoicesOf(configDir: string, shownDir: string, tools: readonly string[] = BUILTIN_TOOL_NAMES): RefChoices {
  return { tools, personas: personasOf(configDir), personaDir: join(shownDir, 'templates', 'personas') + '/' }
}

const list = (names: readonly string[]) => (names.length ? names.join(', ') : '(none)')

/** The message for an unknown persona (shared with rollout specs and overrides). */
export function unknownPersona(name: string, c: RefChoices): string {
  return `unknown persona "${name}"; known personas: ${list(c.personas)} (files in ${c.personaDir})`
}

/** The message for unknown tool names (shared with rollout specs). */
export function unknownTools(names: readonly string[], c: RefChoices): string {
  const mcp = c.toolPrefixes?.length ? ` (or SERVER__TOOL of the MCP servers ${c.toolPrefixes.map((p) => p.slice(0, -2)).join(', ')})` : ''
  return `unknown tool${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}; known tools: ${list([...c.tools].sort())}${mcp}`
}

/** Whether `name` is a known tool of `c`: registered, or under a source prefix (`SERVER__TOOL`). */
export function isKnownTool(name: string, c: Pick<RefChoices, 'tools' | 'toolPrefixes'>, registered: ReadonlySet<string> = new Set(c.tools)): boolean {
  return registered.has(name) || (c.toolPrefixes ?? []).some((p) => name.length > p.length && name.startsWith(p))
}

/**
 * Every dangling reference of a (schema-valid) agent list, one issue each, naming the file,
 * line, agent and value with the known choices.
 * @param prefix key path of the list in the file (`['agents']`, or `[]` for a bare list).
 */
export function checkAgentRefs(
  agents: readonly AgentDefinition[],
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
  choices: RefChoices,
  prefix: readonly (string | number)[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const ids = agents.map((a) => a.id)
  const tools = new Set(choices.tools)
  const at = (path: (string | number)[], message: string) => {
    const full = [...prefix, ...path]
    issues.push({ file, line: lineOf(full), path: formatPath(full), message })
  }
  agents.forEach((a, i) => {
    if (a.type !== 'llm') return
    a.tools.forEach((t, j) => {
      if (!isKnownTool(t, choices, tools)) at([i, 'tools', j], `agent ${a.id}: ${unknownTools([t], choices)}`)
    })
    if (a.behavior_template !== null && !choices.personas.includes(a.behavior_template)) {
      at([i, 'behavior_template'], `agent ${a.id}: ${unknownPersona(a.behavior_template, choices)}`)
    }
    const critic = a.reflection_agent_id
    if (critic !== null && critic === a.id) at([i, 'reflection_agent_id'], `agent ${a.id}: an agent cannot be its own reflection agent`)
    else if (critic !== null && !ids.includes(critic)) at([i, 'reflection_agent_id'], `agent ${a.id}: unknown reflection agent "${critic}"; configured agents: ${list(ids)}`)
  })
  return issues.sort((x, y) => (x.line ?? 0) - (y.line ?? 0))
}

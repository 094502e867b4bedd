import type { AgentDefinition } from '../config/types'
import type { ChatMessage, ModelRequest, ModelToolSchema } from '../ports/model'
import type { StackEntry } from '../schema/states'
import type { AgentOverrides } from '../schema/overrides'
import { renderForModel, type ChatMessage as WireMessage } from '../stacks/render'
import type { AgentTemplates } from '../templates/agentTemplates'
import type { ToolRegistry } from '../tools/registry'
import type { RuntimeSettings } from './context'
import { lastUserMessage } from './tail'

type LlmAgent = Extract<AgentDefinition, { type: 'llm' }>

/** Tools a persona needs (§1.3 step 3): appended when the effective tool list lacks them. */
export const PERSONA_TOOLS: Readonly<Record<string, readonly string[]>> = { weather_expert: ['get_weather'] }

/** The effective settings of an LLM agent in one conversation: config, then overrides. */
export interface EffectiveAgent {
  model: string
  persona: string | null
  tools: string[]
  temperature: number
  topP: number
  maxTokens?: number
}

export function effectiveAgent(def: LlmAgent, overrides: AgentOverrides, settings: RuntimeSettings): EffectiveAgent {
  const persona = 'behavior_template' in overrides ? (overrides.behavior_template ?? null) : def.behavior_template
  const tools = [...(overrides.tools ?? def.tools)]
  if (persona) for (const t of PERSONA_TOOLS[persona] ?? []) if (!tools.includes(t)) tools.push(t)
  return {
    model: overrides.model ?? (def.llm_model || settings.defaultModel),
    persona,
    tools,
    temperature: overrides.temperature ?? settings.temperature,
    topP: overrides.top_p ?? settings.topP,
    ...(overrides.max_tokens !== undefined ? { maxTokens: overrides.max_tokens } : {}),
  }
}

const fromWire = (m: WireMessage): ChatMessage => {
  switch (m.role) {
    case 'assistant':
      return m.tool_calls?.length
        ? { role: 'assistant', content: m.content, toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }
        : { role: 'assistant', content: m.content }
    case 'tool':
      return { role: 'tool', toolCallId: m.tool_call_id, content: m.content }
    default:
      return m
  }
}

/**
 * The model request of one turn: system prompt (system_message.j2 with the offered tools), the
 * persona prompt, and the whole branch within the token budget.
 */
export function buildRequest(
  eff: EffectiveAgent,
  entries: readonly StackEntry[],
  templates: AgentTemplates,
  tools: ToolRegistry,
  settings: RuntimeSettings,
  seed?: number,
): ModelRequest {
  const schemas: ModelToolSchema[] = eff.tools.flatMap((name) => {
    const t = tools.get(name)
    return t ? [t.functionSchema] : []
  })
  const system = templates.systemMessage(schemas)
  const question = lastUserMessage(entries)
  const personaText = eff.persona
    ? templates.persona(eff.persona, question && 'text' in question.state ? question.state.text : '')
    : null
  const rendered = renderForModel(entries, { systemPrompt: system, maxTokens: settings.contextTokens })
  const messages = rendered.messages.map(fromWire)
  if (personaText) messages.splice(1, 0, { role: 'system', content: personaText })
  return {
    model: eff.model,
    messages,
    ...(schemas.length ? { tools: schemas, toolChoice: 'auto' as const } : {}),
    temperature: eff.temperature,
    topP: eff.topP,
    ...(eff.maxTokens !== undefined ? { maxTokens: eff.maxTokens } : {}),
    ...(seed !== undefined ? { seed } : {}),
  }
}

import { z } from 'zod'

/**
 * `config/agents.yml`: one strict shape per agent `type` (unknown keys rejected, as the original).
 * Defaults are those of behaviour.md §1.1. Note `temperature` is not an agent key: it is a
 * runtime override (§1.5).
 */

/** An agent id: a non-empty name without whitespace. */
export const AgentIdSchema = z.string().regex(/^\S+$/, 'a non-empty id without spaces')

/** `type: llm` — the agent that talks to a model. */
export const LlmAgentSchema = z.strictObject({
  id: AgentIdSchema,
  type: z.literal('llm'),
  llm_model: z.string().min(1).default('openai/gpt-4.1'),
  behavior_template: z.string().min(1).nullable().default(null),
  tools: z.array(z.string().min(1)).default([]),
  /** Accepted for compatibility; unused (as in the original). */
  render_policy: z.string().nullable().default(null),
  enable_self_reflection: z.boolean().default(false),
  reflection_agent_id: z.string().min(1).nullable().default(null),
})
export type LlmAgent = z.infer<typeof LlmAgentSchema>

/** `type: rule_based` — exact lower-cased message → reply. */
export const RuleBasedAgentSchema = z.strictObject({
  id: AgentIdSchema,
  type: z.literal('rule_based'),
  rules: z.record(z.string(), z.string()),
})
export type RuleBasedAgent = z.infer<typeof RuleBasedAgentSchema>

/** `type: human_in_loop` — `callback_url` must be present, may be null. */
export const HumanInLoopAgentSchema = z.strictObject({
  id: AgentIdSchema,
  type: z.literal('human_in_loop'),
  callback_url: z.string().min(1).nullable(),
})
export type HumanInLoopAgent = z.infer<typeof HumanInLoopAgentSchema>

/** One agent definition, selected by `type`. */
export const AgentDefinitionSchema = z.discriminatedUnion('type', [LlmAgentSchema, RuleBasedAgentSchema, HumanInLoopAgentSchema])
export type AgentDefinition = z.infer<typeof AgentDefinitionSchema>

/** The agents type names, for messages. */
export const AGENT_TYPES = ['llm', 'rule_based', 'human_in_loop'] as const

const uniqueIds = (list: AgentDefinition[], ctx: z.RefinementCtx, prefix: (string | number)[]) => {
  const seen = new Map<string, number>()
  list.forEach((a, i) => {
    const first = seen.get(a.id)
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [...prefix, i, 'id'], input: a.id, message: `duplicate agent id "${a.id}" (first defined at index ${first})` })
    } else seen.set(a.id, i)
  })
}

/** A list of agents with unique ids. */
export const AgentListSchema = z.array(AgentDefinitionSchema).superRefine((list, ctx) => uniqueIds(list, ctx, []))

/** The whole file: `agents: [...]` (the bare list is accepted too, see {@link parseAgentsFile}). */
export const AgentsFileSchema = z.strictObject({ agents: AgentListSchema })
export type AgentsFile = z.infer<typeof AgentsFileSchema>

/**
 * The schema to apply to a parsed agents.yml document: a bare list is validated as a list (issue
 * paths then start with the index), anything else as `{ agents: [...] }`.
 */
export function agentsSchemaFor(data: unknown): z.ZodType<AgentsFile | AgentDefinition[]> {
  return Array.isArray(data) ? AgentListSchema : AgentsFileSchema
}

/** The agent list of a parsed, valid file in either form. */
export const agentsOf = (file: AgentsFile | AgentDefinition[]): AgentDefinition[] => (Array.isArray(file) ? file : file.agents)

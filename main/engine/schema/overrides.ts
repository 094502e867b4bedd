import { z } from 'zod'

/**
 * Runtime overrides of one agent in one conversation (behaviour.md §1.5). Strict: an unknown
 * key is an error, so a typo in `config set-override` never silently does nothing.
 */
export const AgentOverridesSchema = z
  .object({
    model: z.string().min(1),
    temperature: z.number().min(0).max(2),
    top_p: z.number().gt(0).max(1),
    max_tokens: z.number().int().positive(),
    tools: z.array(z.string().min(1)),
    behavior_template: z.string().min(1).nullable(),
  })
  .partial()
  .strict()
export type AgentOverrides = z.infer<typeof AgentOverridesSchema>

/** The override keys an agent honours, for picking them out of a rollout variant. */
export const OVERRIDE_KEYS = ['model', 'temperature', 'top_p', 'max_tokens', 'tools', 'behavior_template'] as const

/** A patch: like overrides, but `null` deletes a key (except behavior_template, where null means "no persona"). */
export const OverridePatchSchema = z
  .object({
    model: z.string().min(1).nullable(),
    temperature: z.number().min(0).max(2).nullable(),
    top_p: z.number().gt(0).max(1).nullable(),
    max_tokens: z.number().int().positive().nullable(),
    tools: z.array(z.string().min(1)).nullable(),
    behavior_template: z.string().min(1).nullable(),
  })
  .partial()
  .strict()
export type OverridePatch = z.infer<typeof OverridePatchSchema>

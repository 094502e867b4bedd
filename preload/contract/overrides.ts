import { z } from 'zod'
import { defineInvoke } from './define'
import { LIST_MAX_ITEMS, NAME_MAX_CHARS, SHORT_TEXT_MAX_CHARS } from './limits'

/** Overrides domain: per-conversation model, persona and tools of one agent. */

const Id = z.string().trim().min(1).max(NAME_MAX_CHARS)

export const OverrideValuesSchema = z.object({
  model: z.string().optional(),
  behavior_template: z.string().nullable().optional(),
  tools: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  max_tokens: z.number().int().optional(),
})

export const OverridesViewSchema = z.object({
  conversationId: z.string(),
  agentId: z.string(),
  values: OverrideValuesSchema,
  locked: z.boolean(),
  /** Epoch milliseconds; null when never set. */
  updatedAt: z.number().nullable(),
  /** What the agent uses without overrides. */
  defaults: z.object({ model: z.string().nullable(), persona: z.string().nullable(), tools: z.array(z.string()) }),
  /** Choices for the editor. */
  available: z.object({ personas: z.array(z.string()), tools: z.array(z.string()) }),
})
export type OverridesView = z.infer<typeof OverridesViewSchema>

/** A patch: `null` removes an override (for `behavior_template`, null means "no persona"). */
export const OverridePatchInputSchema = z.object({
  model: z.string().trim().min(1, 'a model id such as "openai/gpt-4o"').max(NAME_MAX_CHARS).nullable().optional(),
  behavior_template: z.string().trim().min(1).max(SHORT_TEXT_MAX_CHARS).nullable().optional(),
  tools: z.array(z.string().min(1).max(NAME_MAX_CHARS)).max(LIST_MAX_ITEMS, `at most ${LIST_MAX_ITEMS} tools`).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
}).strict()
export type OverridePatchInput = z.infer<typeof OverridePatchInputSchema>

export const overridesInvokes = {
  'overrides:get': defineInvoke('overrides of one agent in a conversation', z.object({ conversationId: Id, agentId: Id.optional() }).strict(), OverridesViewSchema),
  'overrides:set': defineInvoke('patch the overrides; `lock` freezes them', z.object({ conversationId: Id, agentId: Id.optional(), patch: OverridePatchInputSchema, lock: z.boolean().optional() }).strict(), OverridesViewSchema),
} as const

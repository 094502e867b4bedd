import { z } from 'zod'
import type { FunctionSchema } from './types'

/** `agent_id` → `Agent Id`, like pydantic's default field titles. */
export const titleOf = (key: string): string =>
  key
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ')

const sortKeys = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]))

/** One property in the original's (pydantic) dialect: a title, and `anyOf` for nullable types. */
function adjustProperty(key: string, raw: Record<string, unknown>): Record<string, unknown> {
  const prop: Record<string, unknown> = { ...raw }
  if (Array.isArray(prop.type)) {
    prop.anyOf = (prop.type as string[]).map((type) => ({ type }))
    delete prop.type
  }
  if (prop.title === undefined) prop.title = titleOf(key)
  return sortKeys(prop)
}

/**
 * The function schema sent to the model, made from a zod object with `z.toJSONSchema` and
 * shaped like the original's: `{type:"object", properties, required}` with titled properties,
 * no `$schema` and no `additionalProperties` (extra keys are handled by the zod object itself).
 * @throws whatever `z.toJSONSchema` throws for unrepresentable schemas.
 */
export function functionSchemaOf(name: string, description: string, input: z.ZodObject): FunctionSchema {
  const raw = z.toJSONSchema(input, { io: 'input' }) as Record<string, unknown>
  const props = (raw.properties ?? {}) as Record<string, Record<string, unknown>>
  const properties: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(props)) properties[key] = adjustProperty(key, value)
  return {
    name,
    description,
    parameters: { type: 'object', properties, required: [...((raw.required as string[] | undefined) ?? [])] },
  }
}

import { z } from 'zod'
import { ToolError, messageOf } from '../errors'
import { functionSchemaOf } from './jsonSchema'
import type { Tool, ToolFlags, ToolSpec } from './types'

const NAME = /^[A-Za-z0-9_-]{1,64}$/

const bad = (name: unknown, problem: string): ToolError =>
  new ToolError(`tool ${JSON.stringify(name)}: ${problem}`, 'BAD_TOOL_DEFINITION')

const checkSeconds = (name: string, key: string, v: unknown): void => {
  if (v === undefined || v === null) return
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(name, `${key} must be a positive number of seconds or null, got ${JSON.stringify(v)}`)
}

/**
 * Declares a tool. Everything is checked here, before any model sees the tool: the name, the
 * description, that `input` is a zod object whose JSON schema can be produced, the TTLs, the
 * timeout and the post-effect names.
 * @throws ToolError (code `BAD_TOOL_DEFINITION`) naming the tool and the problem.
 */
export function defineTool<I extends z.ZodObject, O>(spec: ToolSpec<I, O>): Tool<I, O> {
  const name = spec?.name
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw bad(name, 'name must be 1–64 characters of letters, digits, "_" or "-"')
  }
  if (typeof spec.description !== 'string' || spec.description.trim() === '') throw bad(name, 'description is missing')
  if (!(spec.input instanceof z.ZodObject)) throw bad(name, 'input must be a zod object schema (z.object({...}))')
  if (spec.output !== undefined && !(spec.output instanceof z.ZodType)) throw bad(name, 'output must be a zod schema')
  if (typeof spec.run !== 'function') throw bad(name, 'run must be a function')
  checkSeconds(name, 'cacheTtl', spec.cacheTtl)
  checkSeconds(name, 'dedupTtl', spec.dedupTtl)
  if (spec.timeoutMs !== undefined && (!Number.isFinite(spec.timeoutMs) || spec.timeoutMs <= 0)) {
    throw bad(name, `timeoutMs must be a positive number, got ${JSON.stringify(spec.timeoutMs)}`)
  }
  if (spec.postEffects != null && (!Array.isArray(spec.postEffects) || spec.postEffects.some((p) => typeof p !== 'string' || p === ''))) {
    throw bad(name, 'postEffects must be a list of post-effect names')
  }
  let functionSchema
  try {
    functionSchema = functionSchemaOf(name, spec.description, spec.input)
  } catch (err) {
    throw bad(name, `input schema cannot be expressed as JSON schema: ${messageOf(err)}`)
  }
  return Object.freeze({ ...spec, functionSchema })
}

/** The tool's flags in the shape of `tool-schemas.json`. */
export function toolFlags(tool: Tool): ToolFlags {
  return {
    post_effects: tool.postEffects && tool.postEffects.length ? [...tool.postEffects] : null,
    requires_context: tool.requiresContext ?? false,
    side_effect_free: tool.sideEffectFree ?? false,
    cache_ttl: tool.cacheTtl ?? null,
    dedup_ttl: tool.dedupTtl ?? null,
    reflect: tool.reflect ?? false,
  }
}

import { z } from 'zod'
import { ToolError } from '../../engine/errors'
import { defineTool } from '../../engine/tools/defineTool'
import type { FunctionSchema, Tool } from '../../engine/tools/types'
import { mcpToolName } from '../../engine/schema/mcpServers'
import type { McpConnection, McpToolInfo } from './connection'

const NAME = /^[A-Za-z0-9_-]{1,64}$/

/**
 * The agent tool name of an MCP tool: `SERVER__TOOL`, characters a function name cannot have
 * (`.`, `/`, spaces…) replaced by `_`; null when it is longer than 64 characters. Calls use the
 * server's own name.
 */
export function agentToolName(server: string, tool: string): string | null {
  const name = mcpToolName(server, tool.replace(/[^A-Za-z0-9_-]/g, '_'))
  return NAME.test(name) ? name : null
}

/** The function schema offered to the model: the server's JSON Schema as it is, made an object schema. */
export function mcpFunctionSchema(name: string, info: McpToolInfo, server: string): FunctionSchema {
  const { $schema: _drop, type: _type, properties, required, ...rest } = info.inputSchema as Record<string, unknown>
  return {
    name,
    description: info.description?.trim() || `${info.name} (tool of the MCP server ${server})`,
    parameters: {
      ...rest,
      type: 'object',
      properties: (properties && typeof properties === 'object' ? properties : {}) as Record<string, unknown>,
      required: Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [],
    },
  }
}

/**
 * Arguments are checked against the server's JSON Schema before the call (a violation reaches the
 * model as `INVALID_ARGUMENTS`, like a built-in tool's); a schema zod cannot read is left to the
 * server, which validates too.
 */
function inputOf(schema: FunctionSchema['parameters']): z.ZodObject {
  try {
    const s = z.fromJSONSchema(schema as never)
    // Only a plain object schema is usable as the tool's input; anything else is the server's job.
    if (s instanceof z.ZodObject) return s
  } catch {
    // fall through
  }
  return z.looseObject({})
}

/** What a tool call returns to the model: structured content, else the text, else the content list (binary data summarised). */
export function resultOf(result: { content?: unknown; structuredContent?: unknown; isError?: unknown; toolResult?: unknown }): unknown {
  const content = Array.isArray(result.content) ? (result.content as Record<string, unknown>[]) : []
  if (result.isError === true) {
    const text = content.filter((c) => c.type === 'text').map((c) => String(c.text)).join('\n').trim()
    throw new ToolError(text || 'the tool reported an error without a message', 'MCP_TOOL_ERROR')
  }
  if (result.structuredContent !== undefined) return result.structuredContent
  if (!Array.isArray(result.content)) return result.toolResult ?? null
  if (content.every((c) => c.type === 'text')) return content.map((c) => String(c.text)).join('\n')
  return content.map((c) => {
    if (c.type === 'text') return { type: 'text', text: c.text }
    if (c.type === 'image' || c.type === 'audio') return { type: c.type, mimeType: c.mimeType, bytes: Math.floor((String(c.data ?? '').length * 3) / 4) }
    return c
  })
}

/**
 * The engine tool for one MCP tool: `SERVER__TOOL` with the server's JSON Schema, run through the
 * shared connection. Side-effecting unless the server marks it `readOnlyHint` (then parallel,
 * never blocked by strict dedup, and cached for the server's `cache_ttl` seconds when set).
 */
export function mcpTool(conn: McpConnection, info: McpToolInfo): Tool | null {
  const name = agentToolName(conn.name, info.name)
  if (!name) return null
  const functionSchema = mcpFunctionSchema(name, info, conn.name)
  const tool = defineTool({
    name,
    description: functionSchema.description,
    input: inputOf(functionSchema.parameters),
    ...(info.readOnly ? { sideEffectFree: true, ...(conn.config.cache_ttl ? { cacheTtl: conn.config.cache_ttl } : {}) } : {}),
    async run(args, ctx) {
      const result = await conn.call(info.name, args as Record<string, unknown>, { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey })
      return resultOf(result)
    },
  })
  return Object.freeze({ ...tool, functionSchema })
}

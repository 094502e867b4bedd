import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { ToolError, UserInputError } from '../errors'
import { defineTool } from './defineTool'
import { ToolRegistry } from './registry'

const ok = { name: 'echo', description: 'Echo text', input: z.object({ text: z.string() }), run: (a: { text: string }) => a.text }

describe('defineTool validates at registration', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['bad name', { name: 'has space' }, 'tool "has space": name must be 1–64 characters of letters, digits, "_" or "-"'],
    ['empty name', { name: '' }, 'tool "": name must be 1–64 characters of letters, digits, "_" or "-"'],
    ['missing description', { description: undefined }, 'tool "echo": description is missing'],
    ['blank description', { description: '  ' }, 'tool "echo": description is missing'],
    ['non-object input', { input: z.string() }, 'tool "echo": input must be a zod object schema (z.object({...}))'],
    ['plain-object input', { input: { type: 'object' } }, 'tool "echo": input must be a zod object schema (z.object({...}))'],
    ['bad cacheTtl', { cacheTtl: -1 }, 'tool "echo": cacheTtl must be a positive number of seconds or null, got -1'],
    ['bad dedupTtl', { dedupTtl: 'x' }, 'tool "echo": dedupTtl must be a positive number of seconds or null, got "x"'],
    ['bad timeout', { timeoutMs: 0 }, 'tool "echo": timeoutMs must be a positive number, got 0'],
    ['bad postEffects', { postEffects: [''] }, 'tool "echo": postEffects must be a list of post-effect names'],
    ['no run', { run: undefined }, 'tool "echo": run must be a function'],
  ]
  for (const [label, patch, message] of cases) {
    it(label, () => {
      expect(() => defineTool({ ...ok, ...patch } as never)).toThrow(new ToolError(message, 'BAD_TOOL_DEFINITION'))
    })
  }
  it('rejects an input schema that has no JSON schema', () => {
    const input = z.object({ when: z.date() })
    expect(() => defineTool({ ...ok, input } as never)).toThrow(/^tool "echo": input schema cannot be expressed as JSON schema: /)
  })
  it('builds the function schema', () => {
    expect(defineTool(ok).functionSchema).toStrictEqual({
      name: 'echo',
      description: 'Echo text',
      parameters: { type: 'object', properties: { text: { title: 'Text', type: 'string' } }, required: ['text'] },
    })
  })
})

describe('ToolRegistry', () => {
  it('rejects duplicate names', () => {
    const reg = new ToolRegistry([defineTool(ok)])
    expect(() => reg.register(defineTool(ok))).toThrow(new ToolError('tool "echo" is already registered', 'DUPLICATE_TOOL'))
  })
  it('names an unknown tool and lists the known ones', () => {
    const reg = new ToolRegistry([defineTool(ok)])
    expect(() => reg.require('nope')).toThrow(new UserInputError('unknown tool "nope"; known tools: echo', 'UNKNOWN_TOOL'))
    expect(reg.schemas(['echo'])).toStrictEqual([defineTool(ok).functionSchema])
  })
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_TOOLS, builtinRegistry } from './builtins'
import { toolFlags } from './defineTool'

// Copy of the spec's tool-schemas.json: the function schemas the original sent to the LLM.
const spec = JSON.parse(readFileSync(join(__dirname, 'fixtures/tool-schemas.json'), 'utf8')) as {
  tools: { openai_function_schema: { name: string }; config: unknown }[]
}

describe('built-in tool schemas equal tool-schemas.json', () => {
  it('has exactly the tools of the file, in its order', () => {
    expect(BUILTIN_TOOLS.map((t) => t.name)).toEqual(spec.tools.map((t) => t.openai_function_schema.name))
  })
  for (const entry of spec.tools) {
    const name = entry.openai_function_schema.name
    it(`${name}: function schema and flags`, () => {
      const tool = builtinRegistry().require(name)
      expect(tool.functionSchema).toStrictEqual(entry.openai_function_schema)
      expect(toolFlags(tool)).toStrictEqual(entry.config)
    })
  }
})

import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { builtinRegistry } from './builtins'
import { defineTool } from './defineTool'
import { knownToolNames, type SourcedTool } from './registry'
import { loadToolSources, mergeToolSources, type ToolSource } from './sources'

const tool = (name: string) => defineTool({ name, description: `the ${name} tool`, input: z.object({}), run: () => name })
const sourced = (name: string, source: string, location: string): SourcedTool => ({ tool: tool(name), origin: { kind: 'custom', source, location } })

describe('tool sources merged into one registry', () => {
  it('adds a source, reports clashes with built-ins and other sources, and replaces a source on reload', async () => {
    const registry = builtinRegistry()
    const custom: ToolSource = { id: 'custom', kind: 'custom', load: () => ({ tools: [sourced('lookup', 'custom', 'tools/a.mjs'), sourced('get_weather', 'custom', 'tools/b.mjs')], problems: [] }) }
    const mcp: ToolSource = { id: 'mcp:s', kind: 'mcp', load: async () => ({ tools: [{ tool: tool('lookup'), origin: { kind: 'mcp', source: 'mcp:s', location: 'server s' } }], problems: [{ source: 'mcp:s', message: 'x' }] }) }
    const problems = await loadToolSources(registry, [custom, mcp])
    expect(problems).toEqual([
      { source: 'custom', location: 'tools/b.mjs', tool: 'get_weather', message: 'tool "get_weather" clashes with another tool of that name: it is a built-in tool' },
      { source: 'mcp:s', message: 'x' },
      { source: 'mcp:s', location: 'server s', tool: 'lookup', message: 'tool "lookup" clashes with another tool of that name: it is the tool from tools/a.mjs' },
    ])
    expect(registry.originOf('lookup')).toEqual({ kind: 'custom', source: 'custom', location: 'tools/a.mjs' })
    expect(registry.originOf('get_weather')?.kind).toBe('builtin')

    expect(mergeToolSources(registry, [{ id: 'custom', load: { tools: [sourced('lookup2', 'custom', 'tools/a.mjs')], problems: [] } }])).toEqual([])
    expect(registry.has('lookup')).toBe(false)
    expect(registry.has('lookup2')).toBe(true)
  })

  it('knownToolNames includes tools turned off in this setup', () => {
    const registry = builtinRegistry([], { ledger: false })
    expect(registry.has('transfer_funds')).toBe(false)
    expect(knownToolNames(registry)).toContain('transfer_funds')
    expect(mergeToolSources(registry, [{ id: 'custom', load: { tools: [sourced('transfer_funds', 'custom', 'f.mjs')], problems: [] } }])[0]?.message)
      .toBe('tool "transfer_funds" clashes with another tool of that name: it is a built-in tool (turned off in this setup)')
  })
})

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { CONFIG_DIR } from '../../testing/engineHarness'
import { loadCustomToolsFresh, loadCustomToolsSync } from './loadToolFiles'

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url))
const dirs: string[] = []
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

/** A config folder with `files` in its tools/ folder. */
function configWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2e-tools-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'tools'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'tools', name), text)
  return dir
}

const ctx = { agentId: 'a', conversationId: 'c', branchId: 'main', idempotencyKey: 'k', signal: new AbortController().signal }
const obj = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }

describe('custom tools from config/tools/', () => {
  it('loads the shipped example with its JSON schema and runs it over the bundled dataset', async () => {
    const r = loadCustomToolsSync(CONFIG_DIR)
    expect(r.problems).toEqual([])
    expect(r.tools.map((t) => [t.tool.name, t.origin.kind, t.origin.location?.endsWith('config/tools/search_database.mjs')])).toEqual([['search_database', 'custom', true]])
    const tool = r.tools[0]!.tool
    expect(tool.functionSchema.parameters.required).toEqual(['query'])
    expect(tool.functionSchema.parameters.additionalProperties).toBe(false)
    expect(tool).toMatchObject({ cacheTtl: 300, sideEffectFree: true })
    const out = await tool.run(tool.input.parse({ query: 'waterproof', in_stock_only: true }), ctx) as { total: number; results: { id: string }[] }
    expect(out.results.map((p) => p.id)).toEqual(['p-002'])
    expect(tool.input.safeParse({ query: 'x', limit: 0 }).success).toBe(false)
  })

  it('loads a TypeScript tool with a zod schema (tsx, no build) and passes the caller context', async () => {
    const r = loadCustomToolsSync(FIXTURES)
    expect(r.problems).toEqual([])
    const tool = r.tools[0]!.tool
    expect(tool.functionSchema).toEqual({ name: 'lookup_city', description: 'Population of a city.', parameters: { type: 'object', properties: { city: { type: 'string', minLength: 1, title: 'City' } }, required: ['city'] } })
    expect(await tool.run({ city: 'Paris' }, ctx)).toEqual({ city: 'Paris', population: 2_100_000, by: 'a' })
  })

  it('reports every bad file, naming it, and still loads the good ones', () => {
    const dir = configWith({
      'a_good.mjs': `export default [{ name: 'good', description: 'd', parameters: ${JSON.stringify(obj)}, run: () => 1 }]`,
      'b_syntax.mjs': 'export default { name: "x",, }',
      'c_missing.mjs': `export default { name: 'nodesc', parameters: ${JSON.stringify(obj)} }`,
      'd_dup.mjs': `export default { name: 'good', description: 'again', parameters: ${JSON.stringify(obj)}, run: () => 2 }`,
      'e_builtin.js': `export default { name: 'get_weather', description: 'mine', parameters: ${JSON.stringify(obj)}, run: () => 3 }`,
      'f_schema.mjs': `export default { name: 'badschema', description: 'd', parameters: { type: 'object', properties: { q: { type: 'strnig' } } }, run: () => 4 }`,
      'g_nodefault.mjs': 'export const tool = 1',
      'h_typo.mjs': `export default { name: 'typo', description: 'd', parameters: ${JSON.stringify(obj)}, cache_ttl: 5, cacheTtl: -1, run: () => 5 }`,
      'notes.txt': 'ignored',
    })
    const r = loadCustomToolsSync(dir)
    expect(r.tools.map((t) => t.tool.name)).toEqual(['good'])
    const at = (f: string) => join(dir, 'tools', f)
    expect(r.problems.map((p) => `${p.location}: ${p.message}`)).toEqual([
      `${at('b_syntax.mjs')}: cannot load tool file: syntax error: Unexpected token ','`,
      `${at('c_missing.mjs')}: tool "nodesc": missing "description"`,
      `${at('c_missing.mjs')}: tool "nodesc": missing "run"`,
      `${at('d_dup.mjs')}: tool "good" is defined twice (also in ${at('a_good.mjs')})`,
      `${at('e_builtin.js')}: tool "get_weather" has the name of a built-in tool; choose another name`,
      `${at('f_schema.mjs')}: tool "badschema": "parameters": invalid JSON Schema: Unsupported type: strnig`,
      `${at('g_nodefault.mjs')}: no default export; expected \`export default { name, description, parameters, run }\` (or an array of them)`,
      `${at('h_typo.mjs')}: tool "typo": unknown key "cache_ttl" (expected name, description, parameters, cacheTtl, sideEffectFree, reflect, postEffects, dedupTtl, timeoutMs, run)`,
    ])
    const typoFixed = configWith({ 'h.mjs': `export default { name: 'typo', description: 'd', parameters: ${JSON.stringify(obj)}, cacheTtl: -1, run: () => 5 }` })
    expect(loadCustomToolsSync(typoFixed).problems.map((p) => p.message)).toEqual(['tool "typo": cacheTtl must be a positive number of seconds or null, got -1'])
  })

  it('a fresh load sees a changed file (hot reload)', async () => {
    const tool = (n: number) => `export default { name: 'v', description: 'version ${n}', parameters: ${JSON.stringify(obj)}, run: () => ${n} }`
    const dir = configWith({ 'v.mjs': tool(1) })
    expect(loadCustomToolsSync(dir).tools[0]!.tool.description).toBe('version 1')
    writeFileSync(join(dir, 'tools', 'v.mjs'), tool(2))
    const fresh = await loadCustomToolsFresh(dir)
    expect(fresh.tools[0]!.tool.description).toBe('version 2')
    expect(await fresh.tools[0]!.tool.run({ q: 'x' }, ctx)).toBe(2)
  })

  it('no tools folder: nothing to load, no problem', () => {
    expect(loadCustomToolsSync(join(FIXTURES, 'nowhere'))).toEqual({ tools: [], problems: [], files: [] })
  })
})

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from '../../engine/testing/fakeOpenAi'
import { fixtureServer, isAlive, until } from '../../tools/mcp/testing/fixture'
import { cliEnv, type CliEnv } from './cliTestKit'

const AGENT = `
  - id: mcp_agent
    type: llm
    llm_model: "openai/gpt-4o"
    tools: ["fx__add", "fx__note", "fx__pid", "get_weather"]
`

// Load (transform) the chat command, the engine and the MCP client once, outside the timed tests.
beforeAll(async () => {
  await Promise.all([import('./chat'), import('../services/engine'), import('../../tools/mcp/source'), import('./config'), import('../../engine/models/openaiProvider')])
})

let env: CliEnv | undefined
let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  env?.cleanup()
  env = fake = undefined
})

/** A CLI environment whose config has the fixture MCP server as `fx` (in config/mcp.json) and an agent using it. */
function mcpEnv(agents = AGENT): CliEnv & { notes: string } {
  const e = cliEnv(agents)
  const notes = join(e.root, 'notes.txt')
  writeFileSync(notes, '')
  writeFileSync(join(e.configDir, 'mcp.json'), JSON.stringify({ mcp_servers: { fx: fixtureServer({ NOTES_FILE: notes }) } }))
  return { ...e, notes }
}

type Msg = { role: string; content: string | null }
const chatBodies = (f: FakeOpenAi) => f.requests.filter((q) => q.path.endsWith('/chat/completions')).map((q) => q.body!)

describe('MCP tools in a chat (the fixture stdio server, the OpenAI-compatible fake)', () => {
  it('offers SERVER__TOOL with its JSON Schema, runs the calls, returns results to the model and stops the server with the command', async () => {
    fake = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'fx__add', arguments: '{"a":2,"b":3}' }, { id: 'c2', name: 'fx__note', arguments: '{"text":"from chat"}' }, { id: 'c3', name: 'fx__pid', arguments: '{}' }] },
      { content: 'Sum is 5 and the note is saved.' },
    ])
    env = mcpEnv()
    const notes = (env as ReturnType<typeof mcpEnv>).notes
    env.env.OPENAI_BASE_URL = fake.baseUrl
    env.env.OPENAI_API_KEY = 'sk-test'
    const r = await env.run(['chat', 'with', 'mcp_agent', '--name', 'mcp'], { input: ['Add 2 and 3 and note it', 'exit'] })
    expect([r.code, r.err]).toEqual([0, ''])
    expect(r.out).toContain('Sum is 5 and the note is saved.')
    const [first, second] = chatBodies(fake)
    const offered = (first!.tools as { function: { name: string; parameters: unknown } }[]).map((t) => t.function)
    expect(offered.find((t) => t.name === 'fx__add')).toEqual({ name: 'fx__add', description: 'Adds two numbers.', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } })
    expect(offered.map((t) => t.name).sort()).toEqual(['fx__add', 'fx__note', 'fx__pid', 'get_weather'])
    const results = (second!.messages as Msg[]).filter((m) => m.role === 'tool').map((m) => m.content ?? '')
    expect(results[0]).toContain('"sum":5')
    expect(results[1]).toContain('noted')
    expect(readFileSync(notes, 'utf8')).toMatch(/^from chat\t\S+\n$/)
    // The server process ended with the CLI command: no orphan.
    const pid = Number(/(\d+)/.exec(results[2]!)![1])
    expect(pid).toBeGreaterThan(0)
    expect(await until(() => !isAlive(pid))).toBe(true)
  })
})

describe('config show-tools / config validate with MCP servers', () => {
  it('show-tools lists built-in and MCP tools with their source and side effects', async () => {
    env = mcpEnv(AGENT.replace('"fx__pid"', '"fx__nope"'))
    const shown = await env.run(['config', 'show-tools', '--json'])
    expect(shown.code).toBe(0)
    const rows = JSON.parse(shown.out) as { name: string; source: string; sideEffectFree: boolean }[]
    expect(rows.filter((t) => t.source === 'mcp:fx').map((t) => [t.name, t.sideEffectFree])).toEqual([
      ['fx__echo', true], ['fx__add', true], ['fx__note', false], ['fx__fail', false], ['fx__crash', false], ['fx__pid', true],
    ])
    expect(rows.find((t) => t.name === 'get_weather')?.source).toBe('builtin')
  })

  it('validate starts the servers and checks the tool names agents use against their live lists', async () => {
    env = mcpEnv(AGENT.replace('"fx__pid"', '"fx__nope"'))
    const v = await env.run(['config', 'validate'])
    expect(v.code).toBe(3)
    expect(v.out).toMatch(/agents\.yml:\d+ agents\[\d+\]\.tools\[2\]: agent mcp_agent: unknown tool "fx__nope"; known tools: .*fx__add.*fx__pid/)
    expect(v.out).toContain('✓ MCP servers  1 server, 6 tools')
  })

  it('a server that cannot start: show-tools and validate name it and its command, exit 3; mcp.json errors name file and key', async () => {
    env = mcpEnv()
    writeFileSync(join(env.configDir, 'mcp.json'), JSON.stringify({ mcp_servers: { fx: { command: '/nonexistent/server' } } }))
    const shown = await env.run(['config', 'show-tools'])
    expect(shown.code).toBe(3)
    expect(shown.err).toMatch(/^✗ MCP server "fx" \(command: \/nonexistent\/server\) failed to start: .*ENOENT/)
    expect(shown.out).toContain('get_weather')
    const v = await env.run(['config', 'validate'])
    expect([v.code, v.out]).toEqual([3, expect.stringMatching(/mcp_servers fx: MCP server "fx" \(command: \/nonexistent\/server\) failed to start/)])
    writeFileSync(join(env.configDir, 'mcp.json'), '{\n  "mcp_servers": {\n    "fx": { "command": "node", "url": "http://x" },\n    "a__b": { "url": "ftp://x" }\n  }\n}\n')
    const bad = await env.run(['config', 'validate'])
    expect(bad.code).toBe(3)
    expect(bad.out).toMatch(/mcp\.json:3 mcp_servers\.fx: a server needs either "command" \(stdio\) or "url" \(Streamable HTTP\), not both/)
    expect(bad.out).toMatch(/mcp\.json:4 mcp_servers\.a__b: bad server name "a__b": expected 1–32 letters, digits, "-" and single "_" \(no "__"/)
    expect(bad.out).toMatch(/mcp\.json:4 mcp_servers\.a__b\.url: /)
    expect(bad.out).toContain('✓ /') // agents.yml: fx__ names are not reported again while fx is broken
    expect(bad.out).not.toMatch(/agents\.yml:.*unknown tool/)
  })
})

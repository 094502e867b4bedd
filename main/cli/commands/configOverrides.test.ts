import { afterEach, describe, expect, it } from 'vitest'
import { builtinRegistry } from '../../engine/tools/builtins'
import { cliEnv, type CliEnv } from './cliTestKit'

/** Built-ins plus the shipped custom tool (config/tools/search_database.mjs). */
const KNOWN_TOOLS = [...builtinRegistry().names(), 'search_database'].sort()

let env: CliEnv
afterEach(() => env?.cleanup())

const overrides = async (conv = 't') => JSON.parse((await env.run(['config', 'show-overrides', conv, '--json'])).out) as {
  conversation: string
  name: string
  overrides: { agent: string; values: Record<string, unknown>; locked: boolean }[]
}

async function withChat(): Promise<string> {
  env = cliEnv()
  await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: [] })
  return (await overrides()).conversation
}

describe('p2engine config set-* overrides', () => {
  it('stores overrides under the conversation id (not the name) and the agent uses them', async () => {
    const id = await withChat()
    expect(id).toMatch(/^chat_/)
    expect((await env.run(['config', 'set-tools', 't', 'check_balance'])).out).toBe('Tool overrides set for conversation t (agent agent_alpha): check_balance (lock=false)')
    expect((await env.run(['config', 'set-behavior', 't', 'none'])).out).toBe('Behavior for t (agent agent_alpha) set to none (lock=false)')
    expect((await env.run(['config', 'set-override', 't', 'agent_alpha', '{"temperature": 0.2, "max_tokens": 50}'])).out)
      .toBe('Overrides for agent_alpha in t are now {"tools":["check_balance"],"behavior_template":null,"temperature":0.2,"max_tokens":50} (lock=false)')
    expect(await overrides(id)).toEqual({
      conversation: id,
      name: 't',
      overrides: [{ agent: 'agent_alpha', values: { tools: ['check_balance'], behavior_template: null, temperature: 0.2, max_tokens: 50 }, locked: false, updatedAt: expect.any(Number) }],
    })
    // get_weather is no longer offered, so the offline model does not call it.
    const r = JSON.parse((await env.run(['chat', 'send', 't', 'weather in Paris?', '--json'])).out) as { tools: unknown[] }
    expect(r.tools).toEqual([])
    const table = await env.run(['config', 'show-overrides', 't'])
    expect(table.lines[0]).toBe(`Overrides for t (ID: ${id})`)
  })

  it('rejects bad JSON, unknown keys, bad values, unknown tools and personas with one clear error; nothing is stored', async () => {
    await withChat()
    const cases: [string[], string][] = [
      [['config', 'set-override', 't', 'agent_alpha', '{temperature: 1}'], expect.stringMatching(/^error: override JSON is not valid JSON: .*position 1.* \(got "\{temperature: 1\}"\)$/) as unknown as string],
      [['config', 'set-override', 't', 'agent_alpha', '{"temprature": 1}'], 'error: unknown override key "temprature"; allowed: model, temperature, top_p, max_tokens, tools, behavior_template'],
      [['config', 'set-override', 't', 'agent_alpha', '[1]'], 'error: override JSON must be an object like {"temperature": 0.2}, got [1]'],
      [['config', 'set-override', 't', 'agent_alpha', '{"temperature": 5}'], 'error: invalid override: temperature: Too big: expected number to be <=2 (got 5)'],
      [['config', 'set-override', 't', 'agent_alpha', '{"tools": ["fly"]}'], `error: Unknown tools: fly (known: ${KNOWN_TOOLS.join(', ')})`],
      [['config', 'set-override', 't', 'agent_alpha', '{"model": "acme/x"}'], 'error: unknown model provider "acme" in model id "acme/x"; expected one of openai/<model>, ollama/<model>, lmstudio/<model>, vllm/<model>, local/<model>'],
      [['config', 'set-override', 't', 'ghost', '{}'], 'error: unknown agent "ghost" for conversation t; agents in it: agent_alpha'],
      [['config', 'set-override', 'nope', 'agent_alpha', '{}'], 'error: unknown conversation nope; known: t'],
      [['config', 'set-tools', 't', 'get_weather,fly,swim'], `error: Unknown tools: fly, swim (known: ${KNOWN_TOOLS.join(', ')})`],
      [['config', 'set-behavior', 't', 'pirate'], expect.stringMatching(/^error: unknown behavior template "pirate"; known: .+ \(or "none"\)$/) as unknown as string],
    ]
    for (const [argv, error] of cases) {
      const r = await env.run(argv)
      expect([argv.join(' '), r.code, r.out, r.err]).toEqual([argv.join(' '), 2, '', error])
    }
    expect((await overrides()).overrides).toEqual([])
    expect((await env.run(['config', 'show-overrides', 't'])).out).toBe('No overrides set for t')
  })

  it('--lock is enforced: later changes without --lock are refused, with --lock they pass', async () => {
    const id = await withChat()
    expect((await env.run(['config', 'set-tools', 't', 'get_weather', '--lock'])).code).toBe(0)
    const refused = await env.run(['config', 'set-override', 't', 'agent_alpha', '{"temperature": 1}'])
    expect([refused.code, refused.err]).toEqual([2, `error: overrides of agent agent_alpha in conversation ${id} are locked; repeat the command with --lock to change them`])
    expect((await env.run(['config', 'set-behavior', 't', 'none'])).code).toBe(2)
    expect((await env.run(['config', 'set-override', 't', 'agent_alpha', '{"temperature": 1}', '--lock'])).code).toBe(0)
    expect((await overrides()).overrides.map((o) => [o.values, o.locked])).toEqual([[{ tools: ['get_weather'], temperature: 1 }, true]])
  })

  it('show-tools lists the registered tools', async () => {
    env = cliEnv()
    const r = JSON.parse((await env.run(['config', 'show-tools', '--json'])).out) as { name: string; source: string; file: string | null; sideEffectFree: boolean }[]
    expect(r.map((t) => t.name)).toEqual(KNOWN_TOOLS)
    expect(r.find((t) => t.name === 'search_database')).toMatchObject({ source: 'custom', file: expect.stringMatching(/config\/tools\/search_database\.mjs$/), sideEffectFree: true })
    expect(r.find((t) => t.name === 'get_weather')).toMatchObject({ source: 'builtin', file: null })
    expect(KNOWN_TOOLS).toEqual(expect.arrayContaining(['check_balance', 'delegate', 'get_weather', 'reward_agent', 'transaction_history', 'transfer_funds']))
    expect((await env.run(['config', 'show-tools'])).lines[0]).toBe('Available Tools')
  })
})

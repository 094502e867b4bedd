import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { cliCommand, cliEnv, normalise, type CliEnv } from './cliTestKit'

const REPO = fileURLToPath(new URL('../../..', import.meta.url))
const WEATHER = '{"location":"Paris","temperature":71.6,"unit":"fahrenheit"}'
const OFFLINE_NOTE = 'ℹ️  Replies come from the offline scripted model (no OPENAI_API_KEY and no local server at http://127.0.0.1:9/v1).'

let env: CliEnv
afterEach(() => env?.cleanup())

describe('p2engine chat', () => {
  it('reads piped lines, shows the tool call and the offline answer, exits 0 at "exit"', async () => {
    env = cliEnv()
    const r = await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['What is the weather in Paris?', 'exit', 'never read'] })
    expect([r.code, r.err]).toEqual([0, ''])
    expect(normalise(r.out).split('\n')).toEqual([
      "Entering chat with agent_alpha (Name: t, ID: chat_<id>). Type 'exit' to quit.",
      OFFLINE_NOTE,
      '  → get_weather({"location":"Paris"})',
      `  ✓ get_weather: ${WEATHER}`,
      "agent_alpha: It's 71.6 °F in Paris.",
      'Exiting chat mode.',
    ])
  })

  it('streams root tokens when the output can take raw writes, and prints the answer once', async () => {
    env = cliEnv()
    const raw: string[] = []
    const r = await env.run(['chat', 'with', 'agent_alpha', '--name', 's'], { input: ['hello there'], write: (t) => raw.push(t) })
    expect(r.code).toBe(0)
    expect(raw.join('').replace(/\u001b\[[0-9;]*m/g, '')).toBe('agent_alpha: No language model is configured, so this is a canned reply. You said: "hello there"\n')
    expect(r.lines.filter((l) => l.startsWith('agent_alpha:'))).toEqual([])
  })

  it('refuses an unknown agent with the configured ones listed, and creates nothing', async () => {
    env = cliEnv()
    const r = await env.run(['chat', 'with', 'ghost', '--name', 'x'], { input: ['hi'] })
    expect([r.code, r.out, r.err]).toEqual([2, '', 'error: unknown agent "ghost"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child'])
    expect((await env.run(['conversation', 'list'])).out).toBe('No active conversations.')
  })

  it('an existing name resumes it; resume tells a non-main branch; generated names without --name', async () => {
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['hi'] })
    await env.run(['conversation', 'rewind', 't', '0'])
    const again = await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: [] })
    expect(normalise(again.out).split('\n')).toEqual([
      "Resumed chat with agent_alpha (Name: t, ID: chat_<id>). Type 'exit' to quit.",
      'Currently on branch: <branch>',
      OFFLINE_NOTE,
      // The fork kept only the user message: the resumed chat answers it first.
      'Continuing unfinished work of this conversation…',
      'agent_alpha: No language model is configured, so this is a canned reply. You said: "hi"',
      'Exiting chat mode.',
    ])
    const other = await env.run(['chat', 'with', 'agent_beta', '--name', 't'], { input: [] })
    expect([other.code, other.err]).toEqual([2, 'error: conversation t already exists with agent agent_alpha; use `p2engine chat resume t` or pick another --name'])
    const unnamed = await env.run(['chat', 'with', 'agent_beta'], { input: [] })
    expect(unnamed.lines[0]).toMatch(/^Entering chat with agent_beta \(Name: agent_beta-\d{8}-\d{6}-[0-9a-f]{4}, ID: chat_/)
    const missing = await env.run(['chat', 'resume', 'nope'])
    expect([missing.code, missing.err]).toEqual([2, 'error: unknown conversation nope; known: t, ' + unnamed.lines[0]!.split('Name: ')[1]!.split(',')[0]])
  })

  it('chat send --json reports tools, answer and branch; a second message while one is pending is refused', async () => {
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: [] })
    const r = await env.run(['chat', 'send', 't', 'weather in Paris?', '--json'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out) as Record<string, unknown>
    expect({ ...j, conversation: 'x' }).toEqual({
      conversation: 'x',
      name: 't',
      agent: 'agent_alpha',
      branch: 'main',
      answer: "[offline scripted model] It's 71.6 °F in Paris.",
      offline: true,
      tools: [{ agent: 'agent_alpha', name: 'get_weather', args: { location: 'Paris' }, status: 'ok', result: JSON.parse(WEATHER) }],
      delegations: [],
      inputRequested: null,
    })
    const empty = await env.run(['chat', 'send', 't', '   '])
    expect([empty.code, empty.err]).toEqual([2, 'error: message is empty'])
  })

  it('works as a real subprocess: printf "hi\\nexit\\n" | p2engine chat with agent_alpha --name t', () => {
    env = cliEnv()
    const [node, ...cli] = cliCommand(REPO)
    const out = execFileSync(node!, [...cli, 'chat', 'with', 'agent_alpha', '--name', 't'], {
      cwd: REPO,
      input: 'hi\nexit\n',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env.env },
      encoding: 'utf8',
    })
    expect(normalise(out).split('\n')).toEqual([
      "Entering chat with agent_alpha (Name: t, ID: chat_<id>). Type 'exit' to quit.",
      OFFLINE_NOTE,
      'agent_alpha: No language model is configured, so this is a canned reply. You said: "hi"',
      'Exiting chat mode.',
      '',
    ])
  })
})

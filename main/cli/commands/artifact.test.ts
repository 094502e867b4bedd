import { afterEach, describe, expect, it } from 'vitest'
import type { ArtifactHeader } from '../../engine/schema/artifacts'
import { labelOf } from './artifact'
import { cliEnv, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => env?.cleanup())

const show = async (args: string[]) => JSON.parse((await env.run(['artifact', 'show', 't', '--json', ...args])).out) as ArtifactHeader[]

describe('p2engine artifact show|cat|diff', () => {
  it('shows a conversation’s artifacts by name with filters, cats and diffs them', async () => {
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['hi', 'weather in Paris?'] })
    const all = await show([])
    expect(all.filter((h) => h.type === 'state').map(labelOf).reverse()).toEqual([
      'user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message',
    ])
    expect((await show(['--limit', '2'])).length).toBe(2)
    expect((await show(['--type', 'tool_result'])).every((h) => h.type === 'tool_result')).toBe(true)
    expect(await show(['--branch', 'nope'])).toEqual([])
    expect(await show(['--since', '2999-01-01'])).toEqual([])

    const human = await env.run(['artifact', 'show', 't', '--limit', '1'])
    expect(human.lines).toEqual([
      expect.stringMatching(/^001 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}[0-9a-f]{32} {2}assistant_message {2}agent_alpha@main$/),
      expect.stringMatching(/^ {5}\{"kind":"assistant_message","content":"\[offline scripted model\] It's 71\.6 °F in Paris\."/),
    ])

    const [u1, , u2] = all.filter((h) => h.stateKind === 'user_message' || h.stateKind === 'assistant_message').reverse()
    const cat = await env.run(['artifact', 'cat', u1!.ref])
    expect(cat.lines[0]).toMatch(new RegExp(`^# \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d {2}\\(user_message\\) {2}session=${u1!.sessionId} {2}agent=agent_alpha {2}branch=main {2}step=0$`))
    expect(JSON.parse(cat.lines.slice(1).join('\n'))).toEqual({ kind: 'user_message', text: 'hi', meta: null })

    const diff = await env.run(['artifact', 'diff', u1!.ref, u2!.ref])
    expect(diff.lines.filter((l) => /^[-+] /.test(l))).toEqual(['-  "text": "hi",', '+  "text": "weather in Paris?",'])
    expect((await env.run(['artifact', 'diff', u1!.ref, u1!.ref])).out).toBe('No differences.')
  })

  it('bad refs, types and sessions are one clear error', async () => {
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: [] })
    const cases: [string[], string][] = [
      [['artifact', 'cat', 'ffff'], 'error: unknown artifact ref ffff'],
      [['artifact', 'diff', 'aa', 'bb'], 'error: unknown artifact ref aa'],
      [['artifact', 'show', 'ghost'], 'error: no conversation or artifact session "ghost"; conversations: t'],
      [['artifact', 'show', 't', '--type', 'blob'], 'error: --type "blob" is not an artifact type; expected one of state, tool_result, event, ledger_event, metrics, evaluation'],
    ]
    for (const [argv, error] of cases) {
      const r = await env.run(argv)
      expect([argv.join(' '), r.code, r.err]).toEqual([argv.join(' '), 2, error])
    }
    expect((await env.run(['artifact', 'show', 't'])).out).toBe('No artifacts match the filters.')
  })

  it('labels headers without a type by their role (the original crashed)', () => {
    expect(labelOf({ type: undefined as unknown as 'metrics', role: 'metrics', stateKind: null })).toBe('metrics')
    expect(labelOf({ type: 'state', role: 'state', stateKind: 'tool_call' })).toBe('tool_call')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, normalise, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => env?.cleanup())

interface StackJson { branch: string; entries: { index: number; state: { kind: string } }[] }
const kinds = async (conv: string) =>
  (JSON.parse((await env.run(['conversation', 'stack', conv, '--n', '0', '--json'])).out) as StackJson).entries.map((e) => e.state.kind)

describe('p2engine conversation rewind never leaves a branch waiting for a tool result', () => {
  it('a cut inside a tool round moves back before the assistant message that asked, says so, and `chat resume` answers again', async () => {
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['hi', 'weather in Paris?'] })
    expect(await kinds('t')).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'])

    // Index 4 is the get_weather call of message 3; its result (6) would be cut off.
    const r = await env.run(['conversation', 'rewind', 't', '4', '--branch'])
    expect([r.code, normalise(r.out).split('\n')]).toEqual([0, [
      'Note: index 4 is inside the tool round of message 3 (get_weather), whose result is not in 0..4: kept 0..2 instead, so the branch does not wait for a result that will never arrive.',
      'Created new branch <branch> from index 2',
      "Original branch 'main' preserved with 8 messages",
      'Now on branch <branch> at index 2',
      'Message 2 has no answer on this branch yet; `p2engine chat resume t` answers it',
    ]])
    expect(await kinds('t')).toEqual(['user_message', 'assistant_message', 'user_message'])
    const resumed = await env.run(['chat', 'resume', 't'], { input: [] })
    expect(resumed.code).toBe(0)
    expect(await kinds('t')).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'])
    // Idle again: a new message is accepted.
    expect((await env.run(['chat', 'send', 't', 'thanks'])).code).toBe(0)

    // A cut at a complete point is made as asked, without a note.
    const exact = await env.run(['conversation', 'rewind', 't', '1', '--json'])
    expect(JSON.parse(exact.out)).toMatchObject({ mode: 'fork', requested: 1, kept: 1, note: null, status: 'answered' })
  })

  it('a fork inside a pending delegation keeps the branch idle; a destructive trim there is refused, naming the safe index', async () => {
    env = cliEnv('\n  - id: human\n    type: human_in_loop\n    callback_url: null\n')
    await env.run(['chat', 'with', 'agent_alpha', '--name', 'h'], { input: ['hi', 'delegate to human: approve the payment?'] })
    expect(await kinds('h')).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'agent_call', 'waiting'])

    const fork = JSON.parse((await env.run(['conversation', 'rewind', 'h', '7', '--json'])).out) as Record<string, unknown>
    expect(fork).toMatchObject({ mode: 'fork', from: 'main', requested: 7, kept: 2, status: 'needs_turn' })
    expect(fork.note).toBe('index 7 is inside the tool round of message 3 (delegate), whose result is not in 0..7: kept 0..2 instead, so the branch does not wait for a result that will never arrive')

    expect((await env.run(['conversation', 'checkout', 'h', 'main'])).code).toBe(0)
    // Destructive: refused rather than removing more than asked; nothing changes.
    const refused = await env.run(['conversation', 'rewind', 'h', '6', '--no-branch'])
    expect([refused.code, refused.out, refused.err]).toEqual([2, '', 'error: cannot trim branch main to index 6: index 6 is inside the tool round of message 3 (delegate), whose result is not in 0..6. Trim to 2 (`p2engine conversation rewind h 2 --no-branch`) or fork with --branch, which moves the cut for you'])
    expect((await kinds('h')).length).toBe(8)
    const trim = await env.run(['conversation', 'rewind', 'h', '2', '--no-branch'])
    expect([trim.code, trim.lines.slice(0, 2)]).toEqual([0, ["⚠️  Rewound branch 'main' to index 2 (destructive)", 'Messages after index 2 have been permanently removed']])
    expect(await kinds('h')).toEqual(['user_message', 'assistant_message', 'user_message'])
  })
})

import { mkdirSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { homePaths } from '../../engine/paths'
import { asAgentId, asBranchId, asConversationId } from '../../engine/schema/states'
import { createStackStorage } from '../../storage/stacks/create'
import { openStore } from '../../storage/sqliteStore'
import { cliEnv, normalise, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => env?.cleanup())

interface BranchJson { branch: string; parent: string | null; forkIndex: number | null; length: number; current: boolean }
const branches = async (conv = 't') =>
  (JSON.parse((await env.run(['conversation', 'branches', conv, '--json'])).out) as BranchJson[])
    .map((b) => ({ branch: b.branch, parent: b.parent, forkIndex: b.forkIndex, length: b.length, current: b.current }))
const kinds = async (args: string[] = []) =>
  (JSON.parse((await env.run(['conversation', 'stack', 't', '--n', '0', '--json', ...args])).out) as { entries: { state: { kind: string } }[] }).entries.map((e) => e.state.kind)

/** A conversation `t` with agent_alpha: a plain answer, then a get_weather round (8 entries). */
async function chatted(): Promise<void> {
  env = cliEnv()
  const r = await env.run(['chat', 'with', 'agent_alpha', '--name', 't'], { input: ['hi', 'weather in Paris?'] })
  expect(r.code).toBe(0)
}

describe('p2engine conversation stack/branches/rewind/checkout', () => {
  it('shows the stack, forks at an index, continues on the fork and checks main out again', async () => {
    await chatted()
    expect(await kinds()).toEqual(['user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message'])
    const table = await env.run(['conversation', 'stack', 't', '--n', '3'])
    expect(table.lines[0]).toBe('Stack for conversation t (agent agent_alpha, branch main)')
    // Rows whose cells wrapped (the table fits 100 columns) continue on lines with an empty index.
    const rows: string[][] = []
    for (const cells of table.lines.slice(3, -1).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()))) {
      if (cells[0] === '' && rows.length) rows[rows.length - 1] = rows[rows.length - 1]!.map((c, i) => (cells[i] ? `${c} ${cells[i]}` : c))
      else rows.push(cells)
    }
    expect(rows.map(([i, , k, c]) => [i, k, c!.replace(/\s+/g, '')])).toEqual([
      ['5', 'Waiting', expect.stringMatching(/^fortooluntil\d{4}-\d\d-\d\d\d\d:\d\d:\d\d\(call_[0-9a-f]+\)$/)],
      ['6', 'ToolResult', 'get_weather:{"location":"Paris","temperature":71.6,"unit":"fahrenheit"}'],
      ['7', 'AssistantMessage', "[offlinescriptedmodel]It's71.6°FinParis."],
    ])
    expect(rows.map((r) => r[1])).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), expect.any(String), expect.any(String)])

    const rewind = await env.run(['conversation', 'rewind', 't', '2'])
    expect([rewind.code, normalise(rewind.out).split('\n')]).toEqual([0, [
      'Created new branch <branch> from index 2',
      "Original branch 'main' preserved with 8 messages",
      'Now on branch <branch> at index 2',
      'Message 2 has no answer on this branch yet; `p2engine chat resume t` answers it',
    ]])
    const fork = rewind.lines[0]!.split(' ')[3]!
    expect(await branches()).toEqual([
      { branch: 'main', parent: null, forkIndex: null, length: 8, current: false },
      { branch: fork, parent: 'main', forkIndex: 2, length: 3, current: true },
    ])
    // The fork keeps the unanswered message 2; sending is refused until it is answered (chat resume does that).
    const resumed = await env.run(['chat', 'resume', 't'], { input: ['and now?'] })
    expect(resumed.lines.slice(1, 2)).toEqual([`Currently on branch: ${fork}`])
    // 3 kept + the weather round for message 2 (5) + 'and now?' and its answer (2).
    expect((await branches())[1]).toEqual({ branch: fork, parent: 'main', forkIndex: 2, length: 10, current: true })

    expect((await env.run(['conversation', 'checkout', 't', 'main'])).out).toBe('Checked out branch main.')
    expect((await branches()).map((b) => [b.branch, b.current])).toEqual([['main', true], [fork, false]])
    expect(await kinds(['--branch', fork])).toEqual([
      'user_message', 'assistant_message', 'user_message', 'assistant_message', 'tool_call', 'waiting', 'tool_result', 'assistant_message', 'user_message', 'assistant_message',
    ])

    const destructive = await env.run(['conversation', 'rewind', 't', '1', '--no-branch'])
    expect(destructive.lines).toEqual(["⚠️  Rewound branch 'main' to index 1 (destructive)", 'Messages after index 1 have been permanently removed'])
    expect((await branches()).map((b) => [b.branch, b.length])).toEqual([['main', 2], [fork, 10]])
  })

  it('every bad input is one clear error (exit 2) and changes nothing', async () => {
    await chatted()
    const before = await branches()
    const cases: [string[], string][] = [
      [['conversation', 'rewind', 't', '99'], 'error: index 99 out of range: branch main has 8 entries (0–7)'],
      [['conversation', 'rewind', 't', 'abc', '--no-branch'], 'error: index must be a whole number ≥ 0, got "abc"'],
      [['conversation', 'checkout', 't', 'deadbeef'], 'error: unknown branch deadbeef for conversation t; branches: main'],
      [['conversation', 'stack', 't', '--branch', 'nope'], 'error: unknown branch nope for conversation t (agent agent_alpha); branches: main'],
      [['conversation', 'stack', 'ghost'], 'error: unknown conversation ghost; known: t'],
      [['conversation', 'rewind', 'ghost', '0'], 'error: unknown conversation ghost; known: t'],
      [['conversation', 'branches', 't', '--agent-id', 'nobody'], 'error: unknown agent "nobody" for conversation t; agents in it: agent_alpha'],
      [['conversation', 'answer', 't', 'yes'], 'error: conversation t is not waiting for a human answer'],
    ]
    for (const [argv, error] of cases) {
      const r = await env.run(argv)
      expect([argv.join(' '), r.code, r.out, r.err]).toEqual([argv.join(' '), 2, '', error])
    }
    expect(await branches()).toEqual(before)
  })

  it('lists conversations', async () => {
    await chatted()
    const r = await env.run(['conversation', 'list', '--json'])
    expect((JSON.parse(r.out) as Record<string, unknown>[]).map((c) => ({ ...c, id: 'x', createdAt: 0 }))).toEqual([
      { name: 't', agent: 'agent_alpha', id: 'x', createdAt: 0, branch: 'main', length: 8 },
    ])
  })
})

describe('p2engine conversation prune', () => {
  it('dry-runs by default, deletes with --execute, never main or the current branch', async () => {
    env = cliEnv()
    mkdirSync(env.env.P2ENGINE_HOME!, { recursive: true })
    const store = openStore(homePaths(env.env.P2ENGINE_HOME!).database)
    const { stacks } = createStackStorage(store)
    const old = Date.now() - 30 * 86_400_000
    const c = stacks.createConversation({ name: 'p', rootAgent: 'agent_alpha' })
    const a = asAgentId('agent_alpha')
    stacks.push(c.id, a, [{ kind: 'user_message', text: 'one' }], { ts: old })
    const stale = stacks.fork(c.id, a, undefined, 0).branch
    stacks.push(c.id, a, [{ kind: 'user_message', text: 'two' }], { ts: old })
    const current = stacks.fork(c.id, a, asBranchId('main'), 0).branch
    store.close()

    const dry = await env.run(['conversation', 'prune', 'p'])
    expect(dry.lines[0]).toBe('Branches to Prune')
    expect(dry.out).toContain(stale)
    expect(dry.out).not.toContain(current)
    expect(dry.lines.at(-1)).toBe('Run with --execute to actually delete these branches')
    // Both forks were made in the same millisecond: compare as sets.
    expect((await branches('p')).map((b) => b.branch).sort()).toEqual(['main', stale, current].sort())

    const exec = await env.run(['conversation', 'prune', 'p', '--execute'])
    expect([exec.lines[0], exec.lines.at(-1)]).toEqual(['Branches to Delete', `Deleted branch ${stale}`])
    expect((await branches('p')).map((b) => b.branch)).toEqual(['main', current])
    expect((await env.run(['conversation', 'prune', 'p', '--execute'])).out).toBe('No branches to prune')
    expect(asConversationId(c.id)).toBe(c.id)
  })
})

describe('p2engine conversation watch and answer', () => {
  it('watch --once prints the newest entries; live watch sees entries written by another connection', async () => {
    await chatted()
    const once = await env.run(['conversation', 'watch', 't', '--once'])
    expect(once.lines.length).toBe(9)
    expect(once.lines[8]).toMatch(/agent_alpha #7 AssistantMessage \[offline scripted model\] It's 71\.6 °F in Paris\.$/)

    const seen: string[] = []
    const ctrl = new AbortController()
    const watching = env.run(['conversation', 'watch', 't'], { signal: ctrl.signal, onOut: (l) => seen.push(l) })
    await vi.waitFor(() => expect(seen.length).toBe(9))
    await env.run(['chat', 'send', 't', 'hello again'])
    await vi.waitFor(() => expect(seen.slice(9).map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ''))).toEqual([
      'agent_alpha #8 UserMessage hello again',
      'agent_alpha #9 AssistantMessage [offline scripted model] No language model is configured, so this is a canned reply. You said: "hello again"',
    ]), { timeout: 5000 })
    ctrl.abort()
    expect((await watching).code).toBe(0)
  })

  it('answer resumes a conversation paused for a human and shows what happened next', async () => {
    env = cliEnv('\n  - id: human\n    type: human_in_loop\n    callback_url: null\n')
    const asked = await env.run(['chat', 'with', 'agent_alpha', '--name', 'h'], { input: ['delegate to human: approve the payment?'] })
    expect(asked.lines.filter((l) => /❓|Answer with/.test(l))).toEqual([
      '  ❓ human asks: human needs a human answer to: approve the payment?',
      '     Answer with: p2engine conversation answer h "<your answer>"',
    ])
    const r = await env.run(['conversation', 'answer', 'h', 'yes, approved'])
    const lines = r.lines.filter((l) => !l.includes('offline scripted model.'))
    expect([r.code, lines[0], lines[1]]).toEqual([0, 'Answer delivered to human (branch main).', '  ⇠ human answered: yes, approved'])
    expect(lines[2]).toBe('agent_alpha: human says: yes, approved.')
    const again = await env.run(['conversation', 'answer', 'h', 'twice'])
    expect([again.code, again.err]).toEqual([2, 'error: conversation h is not waiting for a human answer'])
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from './cliTestKit'
import { expandHistory } from './shell'
import { closest, splitCommandLine, suggestCommand } from './shellParse'

let env: CliEnv
afterEach(() => env?.cleanup())

describe('p2engine shell', () => {
  it('runs commands in-process, keeps history, re-runs with !! and !N, suggests, survives errors', async () => {
    env = cliEnv()
    const r = await env.run(['shell'], {
      input: [
        'conversation list',
        '!!',
        'chat with ghost --name x',
        'conversaton list',
        'conversation lst',
        'echo "unclosed',
        '!1',
        '!9',
        'history',
        'quit',
        'never run',
      ],
    })
    expect(r.code).toBe(0)
    expect(r.lines).toEqual([
      "p2engine interactive shell (type 'help' or '?' for commands, 'quit' to exit)",
      'No active conversations.',
      'conversation list',
      'No active conversations.',
      'conversation list',
      'No active conversations.',
      '   1  conversation list',
      '   2  conversation list',
      '   3  chat with ghost --name x',
      '   4  conversaton list',
      '   5  conversation lst',
      '   6  echo "unclosed',
      '   7  conversation list',
      'Bye.',
    ])
    expect(r.err.split('\n')).toEqual([
      'error: unknown agent "ghost"; configured agents: agent_alpha, agent_beta, agent_helper, treasurer, agent_lemy, child',
      '(exit code 2)',
      'error: no such command or option: conversaton; did you mean conversation list?',
      'error: no such command or option: lst; did you mean conversation list?',
      'error: cannot parse the line: unclosed double quote',
      'error: invalid history reference: !9 (history has 7 entries)',
    ])
  })

  it('help lists every "group command" pair; a chat inside the shell reads the shell’s lines', async () => {
    env = cliEnv()
    const r = await env.run(['shell'], { input: ['help', 'chat with agent_alpha --name s', 'hello', 'exit', 'conversation list --json'] })
    expect(r.lines[1]).toBe('Available p2engine commands')
    for (const c of ['agent list', 'chat with', 'conversation rewind', 'config set-override', 'artifact diff', 'ledger balance']) {
      expect(r.out).toContain(`│ ${c} `)
    }
    expect(r.out).not.toContain('│ shell ')
    expect(r.lines).toContain('agent_alpha: No language model is configured, so this is a canned reply. You said: "hello"')
    expect(r.lines).toContain('Exiting chat mode.')
    expect(r.out).toContain('"name": "s"')
    expect(r.lines.at(-1)).toBe('Bye.')
  })
})

describe('shell parsing', () => {
  it('splits like a shell', () => {
    expect(splitCommandLine(`config set-override t agent_alpha '{"temperature": 0.2}'`)).toEqual(['config', 'set-override', 't', 'agent_alpha', '{"temperature": 0.2}'])
    expect(splitCommandLine(`chat send t "say \\"hi\\"" a\\ b ''`)).toEqual(['chat', 'send', 't', 'say "hi"', 'a b', ''])
    expect(() => splitCommandLine(`x 'y`)).toThrow('unclosed single quote')
  })

  it('expands history references', () => {
    expect(expandHistory('!!', ['a', 'b'])).toEqual({ line: 'b' })
    expect(expandHistory('!1', ['a', 'b'])).toEqual({ line: 'a' })
    expect(expandHistory('!0', ['a'])).toEqual({ error: 'invalid history reference: !0 (history has 1 entry)' })
    expect(expandHistory('!!', [])).toEqual({ error: 'invalid history reference: the history is empty' })
    expect(expandHistory('!x', ['a'])).toEqual({ error: 'invalid history reference: !x' })
  })

  it('suggests the closest command at similarity ≥ 0.6, else nothing', () => {
    const pairs = [{ name: 'agent list' }, { name: 'chat with' }, { name: 'ledger balance' }, { name: 'shell' }]
    expect(suggestCommand(['agnet', 'list'], pairs)).toEqual({ unknown: 'agnet', suggestion: 'agent list' })
    expect(suggestCommand(['ledger', 'balanse', 'x'], pairs)).toEqual({ unknown: 'balanse', suggestion: 'ledger balance' })
    expect(suggestCommand(['ledger', 'balance'], pairs)).toBeNull()
    expect(suggestCommand(['--help'], pairs)).toBeNull()
    expect(suggestCommand(['zzzzzz'], pairs)).toBeNull()
    expect(closest('shel', ['shell', 'chat with'])).toBe('shell')
  })
})

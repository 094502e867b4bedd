import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { cliCommand, cliEnv, type CliEnv } from './commands/cliTestKit'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

let env: CliEnv
afterEach(() => env?.cleanup())

/**
 * Runs the real CLI in a child process piped into `reader` (e.g. `head -1`, or `true`, which
 * exits before anything is written) by a real shell, as a user would.
 * @returns the CLI's exit code and stderr, and what the reader printed.
 */
function pipeInto(argv: string[], reader: string): { code: number; read: string; err: string } {
  const errFile = join(env.root, 'stderr.txt')
  const rcFile = join(env.root, 'rc.txt')
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  // `timeout 60`: a CLI that never ends fails the test (exit 124) instead of hanging it.
  const cli = cliCommand(ROOT).map((a) => `"${a}"`).join(' ')
  const script = `timeout 60 ${cli} ${quoted} 2>"${errFile}" | ${reader}; echo "\${PIPESTATUS[0]}" > "${rcFile}"`
  const r = spawnSync('bash', ['-c', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env.env, OPENAI_API_KEY: '' },
    encoding: 'utf8',
  })
  return { code: Number(readFileSync(rcFile, 'utf8').trim()), read: r.stdout, err: readFileSync(errFile, 'utf8') }
}

describe('a CLI whose stdout is closed (`p2engine … | head`)', () => {
  it('prints no EPIPE stack trace and exits 0', () => {
    env = cliEnv()
    const r = pipeInto(['config', 'show'], 'true')
    expect([r.code, r.err]).toEqual([0, ''])
  })

  it('`conversation watch | true` stops watching once the reader is gone, like `tail -f | head`', async () => {
    env = cliEnv()
    expect((await env.run(['chat', 'with', 'agent_alpha', '--name', 'w'], { input: ['hi'] })).code).toBe(0)
    const r = pipeInto(['conversation', 'watch', 'w'], 'true')
    expect([r.code, r.err]).toEqual([0, ''])
  })

  it('`rollout start --follow | true` (the reader gone at once) keeps the rollout running to its end and says so once on stderr', async () => {
    env = cliEnv('\n  - id: echo\n    type: rule_based\n    rules: { hi: hello }\n')
    const spec = join(env.root, 'echo.yml')
    writeFileSync(spec, 'teams:\n  t:\n    initial_message: hi\n    variants: [{ id: one, agent_id: echo }, { id: two, agent_id: echo }]\n')
    const r = pipeInto(['rollout', 'start', spec, '--follow', '--parallel', '1'], 'true')
    const id = /^stdout closed; rollout (\S+) /.exec(r.err)?.[1]
    expect([r.code, r.read, r.err]).toEqual([0, '', `stdout closed; rollout ${id} keeps running in this process without output (\`p2engine rollout show ${id}\` shows it; if stopped, \`p2engine rollout resume ${id}\` continues it)\n`])
    const list = JSON.parse((await env.run(['rollout', 'list', '--json'])).out) as { id: string; status: string; done: number }[]
    expect(list.map((x) => [x.id, x.status, x.done])).toEqual([[id, 'done', 2]])
  })
})

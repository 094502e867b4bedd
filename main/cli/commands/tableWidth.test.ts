import { afterEach, describe, expect, it, vi } from 'vitest'
import { cliEnv, tooWide, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => {
  env?.cleanup()
  vi.unstubAllEnvs()
})


describe('CLI tables at 100 columns', () => {
  it('ledger balance and history, conversation list and stack, artifact list: no line wider than 100, times in one format', async () => {
    vi.stubEnv('COLUMNS', '100')
    env = cliEnv()
    await env.run(['chat', 'with', 'agent_alpha', '--name', 'a-conversation-with-a-rather-long-descriptive-name'], {
      input: ['Send 25 to agent_beta for helping with the long analysis of the quarterly numbers and the forecast', 'What is the weather in Paris?'],
    })
    const outputs = await Promise.all([
      ['ledger', 'balance'], ['ledger', 'history'], ['ledger', 'history', 'agent_alpha'], ['ledger', 'overview'],
      ['conversation', 'list'], ['conversation', 'stack', 'a-conversation-with-a-rather-long-descriptive-name'],
      ['artifact', 'show', 'a-conversation-with-a-rather-long-descriptive-name'], ['agent', 'list'], ['config', 'show'],
    ].map(async (argv) => [argv.join(' '), await env.run(argv)] as const))
    for (const [cmd, r] of outputs) {
      expect([cmd, r.code, tooWide(r.out)]).toEqual([cmd, 0, []])
    }
    const all = outputs.map(([, r]) => r.out).join('\n')
    expect(all).toContain('helping with the long')
    // Every time shown is local "YYYY-MM-DD HH:MM:SS"; no ISO "T…Z" or bare clock times.
    expect(all).toMatch(/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b/)
    expect(all.match(/\d{4}-\d\d-\d\dT\d\d:\d\d|(?<!\d{4}-\d\d-\d\d )\b\d\d:\d\d:\d\d\b/g)).toBeNull()
  })
})

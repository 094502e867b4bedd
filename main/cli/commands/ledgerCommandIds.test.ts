import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from './cliTestKit'

let env: CliEnv | undefined
afterEach(() => env?.cleanup())

const LEMY = `
  - id: agent_lemy2
    type: llm
    llm_model: "openai/gpt-4o"
    tools: ["check_balance"]
`

const balances = async (e: CliEnv) => JSON.parse((await e.run(['ledger', 'balance', '--json'])).out) as { agent: string; balance: string }[]

describe('ledger transfer --command-id: namespaces and reuse (issue 11)', () => {
  it('refuses reserved prefixes with a named error (exit 2), so `ledger init` keeps working for a new agent', async () => {
    env = cliEnv(LEMY)
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    for (const id of ['init:agent_lemy2', 'migrate:x', 'tc_abc', 'cmd-1']) {
      const r = await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '1', '--command-id', id])
      expect([r.code, r.err], id).toEqual([2, expect.stringMatching(/^error: command id ".*" is reserved: .*choose another id/)])
    }
    expect((await env.run(['ledger', 'history', '--json'])).out).toBe('[]')
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
  })

  it('same parameters: the first result, "Already applied", exit 0; other parameters: the first transfer shown, nothing applied, exit 4', async () => {
    env = cliEnv()
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    expect((await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '10', '-r', 'rent', '--command-id', 'X'])).code).toBe(0)
    const before = await balances(env)

    const again = await env.run(['ledger', 'transfer', 'agent_alpha', 'agent_beta', '10', '-r', 'rent', '--command-id', 'X'])
    expect(again.code).toBe(0)
    expect(again.lines[0]).toBe('✓ Already applied: command id X was committed before; nothing moved again.')
    expect(again.lines[1]).toMatch(/^First transfer: agent_alpha → agent_beta 10\.00 "rent" at \d{4}-\d\d-\d\d/)
    expect(again.out).not.toMatch(/new balance/)

    const ghost = await env.run(['ledger', 'transfer', 'agent_alpha', 'ghost', '1', '--command-id', 'X'])
    expect(ghost.code).toBe(4)
    expect(ghost.out).toBe('')
    expect(ghost.err).toMatch(/^error: command id "X" was already used for the transfer agent_alpha → agent_beta 10\.0 "rent" committed at .*; the new parameters differ \(to "ghost" \(first: "agent_beta"\), amount "1\.0" \(first: "10\.0"\), reason "Manual transfer" \(first: "rent"\)\) and were NOT applied/)
    expect(await balances(env)).toEqual(before)
    expect(JSON.parse((await env.run(['ledger', 'history', '--json'])).out)).toHaveLength(1)
  })
})

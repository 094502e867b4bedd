import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from './cliTestKit'

let env: CliEnv
afterEach(() => env?.cleanup())

describe('p2engine agent list', () => {
  it('lists every configured agent with type, model and tools', async () => {
    env = cliEnv('\n  - id: human\n    type: human_in_loop\n    callback_url: null\n')
    const r = await env.run(['agent', 'list', '--json'])
    const rows = JSON.parse(r.out) as { id: string }[]
    expect(rows[0]).toEqual({ id: 'agent_alpha', type: 'llm', model: 'openai/gpt-4o', tools: ['get_weather', 'delegate', 'check_balance', 'transfer_funds', 'reward_agent'], behaviorTemplate: null })
    expect(rows.map((a) => a.id)).toEqual(['agent_alpha', 'agent_beta', 'agent_helper', 'treasurer', 'agent_lemy', 'child', 'human'])
    expect(rows.at(-1)).toEqual({ id: 'human', type: 'human_in_loop', model: null, tools: [], behaviorTemplate: null })
    expect((await env.run(['agent', 'list'])).lines[0]).toBe('Configured Agents')
  })

  it('with LEDGER_ENABLED=false says so once and marks the wallet tools off (JSON stays the configuration)', async () => {
    env = cliEnv()
    env.env.LEDGER_ENABLED = 'false'
    const r = await env.run(['agent', 'list'])
    expect(r.err).toBe('ℹ️  Ledger disabled (LEDGER_ENABLED=false): agents get no wallet tools and rollouts record no ledger figures.')
    expect(r.out).toContain('check_balance (off)')
    expect(r.out).not.toMatch(/get_weather \(off\)/)
    const json = await env.run(['agent', 'list', '--json'])
    expect((JSON.parse(json.out) as { tools: string[] }[])[0]!.tools).toContain('check_balance')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { cliEnv, type CliEnv } from '../../main/cli/commands/cliTestKit'
import { startFakeOpenAi, type FakeOpenAi } from '../../main/engine/testing/fakeOpenAi'

let env: CliEnv | undefined
let fake: FakeOpenAi | undefined
afterEach(async () => {
  await fake?.close()
  env?.cleanup()
})

describe('chat against an OpenAI-compatible server (the openai package over HTTP)', () => {
  it('streams, runs the tool the model asks for, pays, and replays the conversation without network', async () => {
    fake = await startFakeOpenAi([
      { toolCalls: [{ id: 'c1', name: 'get_weather', arguments: '{"location":"Paris"}' }, { id: 'c2', name: 'transfer_funds', arguments: '{"to_agent":"agent_beta","amount":2.5}' }] },
      { content: 'Paris is 71.6 °F and I paid agent_beta 2.5.' },
    ])
    env = cliEnv()
    env.env.OPENAI_BASE_URL = fake.baseUrl
    env.env.OPENAI_API_KEY = 'sk-test'
    expect((await env.run(['ledger', 'init'])).code).toBe(0)
    const r = await env.run(['chat', 'with', 'agent_alpha', '--name', 'paris'], { input: ['Weather in Paris, then pay agent_beta 2.5', 'exit'] })
    expect(r.code).toBe(0)
    expect(r.out).toContain('get_weather')
    expect(r.out).toContain('Paris is 71.6 °F and I paid agent_beta 2.5.')
    expect(r.out).not.toContain('offline')
    // The real request: model id mapped to the endpoint's name, all tools offered, the system prompt first.
    const first = fake.requests.find((q) => q.path.endsWith('/chat/completions'))!.body!
    expect(first.model).toBe('gpt-4o')
    expect((first.messages as { role: string }[])[0]!.role).toBe('system')
    expect((first.tools as unknown[]).length).toBe(5)
    const second = fake.requests.filter((q) => q.path.endsWith('/chat/completions'))[1]!.body!
    expect((second.messages as { role: string }[]).filter((m) => m.role === 'tool')).toHaveLength(2)
    const bal = await env.run(['ledger', 'balance', 'agent_beta', '--json'])
    expect(JSON.parse(bal.out).balance).toBe('102.5')

    // Replay: no server, model answers and tool outcomes from the recordings; no second payment.
    await fake.close()
    fake = undefined
    const again = await env.run(['--replay', 'chat', 'with', 'agent_alpha', '--name', 'paris-replay'], { input: ['Weather in Paris, then pay agent_beta 2.5', 'exit'] })
    expect(again.code).toBe(0)
    expect(again.out).toContain('Paris is 71.6 °F and I paid agent_beta 2.5.')
    expect(JSON.parse((await env.run(['ledger', 'balance', 'agent_beta', '--json'])).out).balance).toBe('102.5')
    const miss = await env.run(['--replay', 'chat', 'send', 'paris-replay', 'something never asked'])
    expect(miss.out + miss.err).toMatch(/REPLAY_MISS|replay miss/)
  })
})

import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cliCommand, cliEnv, type CliEnv } from '../cli/commands/cliTestKit'
import { otlpReceiver, spanTree, type OtlpReceiver } from './testing/otlpReceiver'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

// The CLI runs through spawnSync while the receiver's own thread answers it.
let receiver: OtlpReceiver
let env: CliEnv | undefined
beforeEach(async () => {
  receiver = await otlpReceiver()
})
afterEach(async () => {
  await receiver.close()
  env?.cleanup()
  env = undefined
})

/**
 * Runs the real `p2engine` in a child process with the given environment (blocking: the receiver
 * runs in its own thread); a CLI that never ends is killed after 120 s and fails the test.
 */
function p2engine(argv: string[], extraEnv: NodeJS.ProcessEnv): { code: number | null; out: string; err: string } {
  const [node, ...cli] = cliCommand(REPO)
  const r = spawnSync(node!, [...cli, ...argv], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env!.env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('p2engine with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('a CLI chat exports its spans before the process exits (delegation, payment, ledger transfer)', async () => {
    env = cliEnv()
    expect((await env.run(['chat', 'with', 'agent_alpha', '--name', 'traced'], { input: ['exit'] })).code).toBe(0)
    const r = p2engine(['chat', 'send', 'traced', 'Delegate to agent_helper: what is the weather in Paris?\nThen pay 5 to agent_helper.'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint })
    expect([r.code, r.err]).toEqual([0, expect.not.stringContaining('traces could not be exported')])
    // Nothing is awaited after the exit: the spans were sent by the process itself.
    const { spans } = receiver.received()
    const root = spans.find((s) => s.name === 'invoke_agent agent_alpha')
    expect(root, `spans received: ${spans.map((s) => s.name).join(', ')}`).toBeDefined()
    expect(root!.resource).toMatchObject({ 'service.name': 'p2engine', 'p2engine.process.kind': 'cli' })
    expect(spanTree(spans, root!)).toEqual([
      'invoke_agent agent_alpha',
      '  chat openai/gpt-4o',
      '  execute_tool delegate',
      '    delegate agent_helper',
      '      invoke_agent agent_helper',
      '        chat openai/gpt-4o',
      '        execute_tool get_weather',
      '        chat openai/gpt-4o',
      '  chat openai/gpt-4o',
      '  execute_tool transfer_funds',
      // The first payment opens both wallets (the tool does it on demand), then transfers.
      '    ledger create_wallet',
      '    ledger create_wallet',
      '    ledger transfer',
      '  chat openai/gpt-4o',
    ])
    const model = spans.find((s) => s.name === 'chat openai/gpt-4o')!
    expect(model.attributes).toMatchObject({ 'gen_ai.request.model': 'openai/gpt-4o', 'gen_ai.response.model': 'openai/gpt-4o', 'p2engine.model.offline': true })
    expect(spans.find((s) => s.name === 'ledger transfer')!.attributes).toMatchObject({ 'p2engine.ledger.from': 'agent_alpha', 'p2engine.ledger.to': 'agent_helper', 'p2engine.ledger.amount': '5' })
  })
})

// The reference of issue 12's A and C targets, measured in the same run: the same turn run by
// @openai/agents (agents-core 0.20, in memory: a MemorySession per conversation, tracing off).
// One turn = the model asks for get_weather, the tool runs, the model answers (scripted in-process
// model, no latency), including creating the conversation. C: a parent agent calls the weather
// agent as a tool (`agent.asTool`), which runs its own turn, then answers.
import { Agent, MemorySession, Runner, tool, Usage, type Model, type ModelProvider, type ModelRequest, type ModelResponse } from '@openai/agents-core'
import { z } from 'zod'

const QUESTION = 'What is the weather in Paris?'
const usage = (): Usage => new Usage({ requests: 1, inputTokens: 50, outputTokens: 10, totalTokens: 60 })
const answer = (text: string): ModelResponse => ({
  usage: usage(),
  output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] }],
})
const call = (name: string, args: object): ModelResponse => ({
  usage: usage(),
  output: [{ type: 'function_call', callId: 'call_1', name, arguments: JSON.stringify(args), status: 'completed' }],
})

/** What the reference workloads did: model calls by model name, get_weather runs. */
export const referenceCounts = { calls: new Map<string, number>(), toolRuns: 0 }

/** Answers once the last input item is a tool result, else asks for `name(args)`: the bench's scripted models. */
function scripted(model: string, name: string, args: object, text: string): Model {
  return {
    async getResponse(req: ModelRequest): Promise<ModelResponse> {
      referenceCounts.calls.set(model, (referenceCounts.calls.get(model) ?? 0) + 1)
      const input = req.input
      const last = Array.isArray(input) ? input[input.length - 1] : undefined
      return last && 'type' in last && last.type === 'function_call_result' ? answer(text) : call(name, args)
    },
    getStreamedResponse(): AsyncIterable<never> {
      throw new Error('the bench runs without streaming')
    },
  }
}

const getWeather = tool({
  name: 'get_weather',
  description: 'Get the current weather for a location.',
  parameters: z.object({ location: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
  execute: ({ location, unit }) => {
    referenceCounts.toolRuns++
    return { location, temperature: 22, unit }
  },
})

/** A runner with the two scripted models and the agents of workloads A and C. */
export function openaiAgentsWorkloads(): { runner: Runner; weather: Agent; parent: Agent } {
  const models: Record<string, Model> = {
    'bench/instant': scripted('bench/instant', 'get_weather', { location: 'Paris', unit: 'celsius' }, 'It is 22 °C in Paris.'),
    'bench/parent': scripted('bench/parent', 'agent', { input: QUESTION }, 'My helper says it is 22 °C in Paris.'),
  }
  const modelProvider: ModelProvider = { getModel: (name) => models[name ?? 'bench/instant']! }
  const runner = new Runner({ modelProvider, tracingDisabled: true })
  const weather = new Agent({ name: 'agent', instructions: 'You answer weather questions.', model: 'bench/instant', tools: [getWeather] })
  const parent = new Agent({
    name: 'parent',
    instructions: 'You delegate weather questions.',
    model: 'bench/parent',
    tools: [weather.asTool({ toolName: 'agent', toolDescription: 'Asks the weather agent.' })],
  })
  return { runner, weather, parent }
}

/** µs per conversation of `n` one-turn conversations with `agent` as root, `concurrent` at a time. */
export async function openaiAgentsTurns(runner: Runner, agent: Agent, n: number, concurrent: number): Promise<number> {
  let next = 0
  const t0 = process.hrtime.bigint()
  const lane = async (): Promise<void> => {
    while (next < n) {
      next++
      const session = new MemorySession()
      const result = await runner.run(agent, QUESTION, { session })
      if (typeof result.finalOutput !== 'string' || !result.finalOutput.includes('22 °C')) throw new Error(`@openai/agents bench turn answered ${String(result.finalOutput)}`)
    }
  }
  await Promise.all(Array.from({ length: concurrent }, lane))
  return Number(process.hrtime.bigint() - t0) / 1e3 / n
}

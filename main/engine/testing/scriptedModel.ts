import { InternalError } from '../errors'
import type { CompleteOptions, ModelProvider, ModelRequest, ModelResponse, ModelToolCall } from '../ports/model'

/** One expected model call and the answer to give. */
export interface ScriptStep {
  /** Checks the request; throw (e.g. with `expect`) to fail the test. */
  expect?: (request: ModelRequest) => void
  /** Shorthand checks: the last message's text must contain / match this. */
  lastMessage?: string | RegExp
  /** The tools that must be offered, by name, in order. */
  tools?: string[]
  reply: { content?: string; toolCalls?: (Omit<ModelToolCall, 'arguments'> & { arguments: string | Record<string, unknown> })[] } | ((request: ModelRequest) => ModelResponse['message'])
}

/**
 * Test-only model: answers from an explicit script and FAILS on any call the script does not
 * expect (one too many, or a request that does not match the step). `assertDone()` fails when
 * steps were left unused. Streams `content` word by word through `onToken`.
 */
export class ScriptedModel implements ModelProvider {
  readonly label = 'test/scripted-fake'
  readonly requests: ModelRequest[] = []
  private next = 0

  constructor(private readonly steps: ScriptStep[]) {}

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    const index = this.next++
    this.requests.push(structuredClone(request))
    const step = this.steps[index]
    const last = request.messages[request.messages.length - 1]
    const lastText = last?.content ?? ''
    if (!step) {
      throw new InternalError(`unexpected model call #${index + 1}: the script has ${this.steps.length} step(s); last message (${last?.role ?? 'none'}): ${JSON.stringify(lastText).slice(0, 200)}`)
    }
    const fail = (why: string): never => {
      throw new InternalError(`model call #${index + 1} does not match the script: ${why}`)
    }
    if (step.lastMessage !== undefined) {
      const ok = typeof step.lastMessage === 'string' ? lastText.includes(step.lastMessage) : step.lastMessage.test(lastText)
      if (!ok) fail(`last message ${JSON.stringify(lastText)} does not match ${String(step.lastMessage)}`)
    }
    if (step.tools !== undefined) {
      const offered = (request.tools ?? []).map((t) => t.name)
      if (JSON.stringify(offered) !== JSON.stringify(step.tools)) fail(`offered tools [${offered.join(', ')}], expected [${step.tools.join(', ')}]`)
    }
    step.expect?.(request)
    const message =
      typeof step.reply === 'function'
        ? step.reply(request)
        : {
            content: step.reply.content ?? '',
            toolCalls: (step.reply.toolCalls ?? []).map((t) => ({ id: t.id, name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) })),
          }
    if (message.content && options.onToken) for (const piece of message.content.match(/\S+\s*|\s+/g) ?? []) options.onToken(piece)
    return {
      message,
      usage: { promptTokens: 0, completionTokens: 0 },
      costUsd: 0,
      model: request.model,
      provider: 'test',
      latencyMs: 0,
      offline: true,
      finishReason: message.toolCalls.length ? 'tool_calls' : 'stop',
    }
  }

  /** Calls made so far. */
  get calls(): number {
    return this.next
  }

  /** @throws InternalError when script steps were not used. */
  assertDone(): void {
    if (this.next < this.steps.length) throw new InternalError(`the model script has ${this.steps.length - this.next} unused step(s) after ${this.next} call(s)`)
  }
}

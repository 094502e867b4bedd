// Test fixture (tests and the e2e host only): a conversation left on a tool call nobody runs, as
// a CLI rewind that cut inside a tool round (or a process stopped mid-turn) leaves it.
import type { Engine } from '../runtime/engine'

/** The entries of a turn that asked for get_weather and never got its result. */
export function unansweredWeatherCall(question: string, callId = 'c1') {
  return [
    { kind: 'user_message' as const, text: question },
    { kind: 'assistant_message' as const, content: null, toolCalls: [{ id: callId, name: 'get_weather', arguments: { location: 'Paris' } }] },
    { kind: 'tool_call' as const, id: callId, name: 'get_weather', arguments: { location: 'Paris' } },
  ]
}

/** Starts a conversation with `agentId` and writes {@link unansweredWeatherCall} straight to its stack. */
export function seedStuckConversation(engine: Engine, o: { agentId: string; id?: string; name?: string; question?: string; callId?: string }): string {
  const conv = engine.startConversation({ agentId: o.agentId, ...(o.id ? { id: o.id } : {}), ...(o.name ? { name: o.name } : {}) })
  engine.deps.stacks.push(conv.id, conv.rootAgent, unansweredWeatherCall(o.question ?? 'What is the weather in Paris?', o.callId))
  return conv.id
}

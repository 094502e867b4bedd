import type { Engine } from '../engine/runtime/engine'
import { toChatMessage } from './chatView'
import type { EventBus } from './eventBus'

const forwarded = new WeakMap<Engine, WeakSet<EventBus>>()

/**
 * Forwards the engine's events to the bus as `chat:*` events (once per engine and bus, however
 * often it is called). Returns the stop function.
 */
export function forwardEngineEvents(engine: Engine, bus: EventBus): () => void {
  const buses = forwarded.get(engine) ?? new WeakSet<EventBus>()
  forwarded.set(engine, buses)
  if (buses.has(bus)) return () => {}
  buses.add(bus)
  const at = (r: { conversationId: string; agentId: string; branch: string }) => ({ conversationId: r.conversationId, agentId: r.agentId, branch: r.branch })
  const ev = engine.events
  const onToken: Parameters<typeof ev.on<'token'>>[1] = (e) => void bus.publish('chat:token', { ...at(e), delta: e.delta })
  const onEntry: Parameters<typeof ev.on<'entry'>>[1] = (e) => {
    const message = toChatMessage(e.entry)
    if (message) bus.publish('chat:entry', { ...at(e), message })
  }
  const onStart: Parameters<typeof ev.on<'tool:start'>>[1] = (e) => void bus.publish('chat:tool', { ...at(e), phase: 'start', callId: e.callId, name: e.name })
  const onEnd: Parameters<typeof ev.on<'tool:end'>>[1] = (e) =>
    void bus.publish('chat:tool', { ...at(e), phase: 'end', callId: e.callId, name: e.name, status: e.outcome.status, ms: e.ms })
  const onAnswer: Parameters<typeof ev.on<'answer'>>[1] = (e) => void bus.publish('chat:answered', { ...at(e), text: e.text, root: e.root })
  const onInput: Parameters<typeof ev.on<'input:requested'>>[1] = (e) => void bus.publish('chat:inputRequested', { ...at(e), text: e.text })
  ev.on('token', onToken).on('entry', onEntry).on('tool:start', onStart).on('tool:end', onEnd).on('answer', onAnswer).on('input:requested', onInput)
  return () => {
    ev.off('token', onToken).off('entry', onEntry).off('tool:start', onStart).off('tool:end', onEnd).off('answer', onAnswer).off('input:requested', onInput)
    buses.delete(bus)
  }
}

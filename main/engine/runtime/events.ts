import { EventEmitter } from 'node:events'
import type { StackEntry } from '../schema/states'
import type { ToolOutcome } from '../tools/types'
import type { AgentRef } from './context'

/** Every event the engine emits, keyed by name. The CLI prints them, the app streams them. */
export interface EngineEventMap {
  /** A streamed text delta of a model answer. */
  token: [AgentRef & { delta: string }]
  /** A state was pushed. */
  entry: [AgentRef & { entry: StackEntry }]
  'tool:start': [AgentRef & { callId: string; name: string; args: unknown }]
  'tool:end': [AgentRef & { callId: string; name: string; outcome: ToolOutcome; ms: number }]
  /** A delegation started (parent → child). */
  delegated: [AgentRef & { child: string; message: string; correlationId: string }]
  /** An agent's final answer of a turn (root and children). */
  answer: [AgentRef & { text: string; root: boolean }]
  /** A human-in-the-loop agent waits for `conversation answer`. */
  'input:requested': [AgentRef & { text: string }]
  /** A model call finished (usage and cost). */
  'model:call': [AgentRef & { model: string; promptTokens: number; completionTokens: number; costUsd: number | null; latencyMs: number; offline: boolean }]
  /** A step failed with a bug; the conversation keeps its state. */
  error: [{ key: string; error: unknown }]
}

/**
 * Typed event emitter of the engine. With a group commit, events raised while writes wait for
 * their commit are held and delivered right after it (nothing is announced before it is durable).
 */
export class EngineEvents extends EventEmitter {
  private held: [string, unknown[]][] | null = null
  /** When it returns true, `emit` queues the event until {@link release}. */
  holdWhile: () => boolean = () => false

  /** Delivers the held events (`deliver` false drops them: their writes rolled back). */
  release(deliver: boolean): void {
    const list = this.held
    this.held = null
    if (!list || !deliver) return
    for (const [event, args] of list) super.emit(event, ...args)
  }

  /** Whether anyone listens to `event`: a payload need not be built for nobody. */
  wants(event: keyof EngineEventMap): boolean {
    return this.listenerCount(event) > 0
  }

  override on<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): this {
    return super.on(event, listener as (...a: unknown[]) => void)
  }
  override off<K extends keyof EngineEventMap>(event: K, listener: (...args: EngineEventMap[K]) => void): this {
    return super.off(event, listener as (...a: unknown[]) => void)
  }
  override emit<K extends keyof EngineEventMap>(event: K, ...args: EngineEventMap[K]): boolean {
    // Nobody to tell: nothing to hold (an unheard 'error' still throws, at release, as before).
    if (event !== 'error' && this.listenerCount(event) === 0) return false
    if (this.holdWhile()) {
      ;(this.held ??= []).push([event, args])
      return this.listenerCount(event) > 0
    }
    return super.emit(event, ...args)
  }
}

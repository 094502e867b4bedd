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

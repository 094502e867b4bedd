import type { AgentDefinition, DedupPolicy } from '../config/types'
import type { ArtifactStore } from '../ports/artifacts'
import type { Clock } from '../ports/clock'
import type { LedgerClient } from '../ports/ledger'
import type { ModelProvider } from '../ports/model'
import type { OverrideStore } from '../ports/overrides'
import type { Conversation, PushOptions, PushResult, StackStore } from '../ports/stacks'
import type { AgentId, BranchId, ConversationId, StateInput } from '../schema/states'
import type { AgentTemplates } from '../templates/agentTemplates'
import type { ToolCache } from '../tools/cache'
import type { DedupSeenSet } from '../tools/dedup'
import type { ToolRecorder } from '../tools/recorder'
import type { ToolRegistry } from '../tools/registry'
import type { Scheduler } from './scheduler'
import type { EngineTracing } from './tracing'
import type { EngineEvents } from './events'

/** Runtime limits and defaults; every one is a setting. */
export interface RuntimeSettings {
  /** Tool deadline (§10.3: 30 s). */
  toolTimeoutMs: number
  /** How long a parent waits for a delegated child (§10.3: 300 s). */
  delegationTimeoutMs: number
  /** Self-reflection rounds per answer (`MAX_REFLECTIONS`, 3). */
  maxReflections: number
  /** Model turns per user message before the runtime stops a tool loop. */
  maxTurnsPerMessage: number
  /** Delegation chain depth limit. */
  maxDelegationDepth: number
  /** Token budget of the rendered history. */
  contextTokens: number
  dedupPolicy: DedupPolicy
  /** Model of agents that name none. */
  defaultModel: string
  /** Balance of wallets that ledger tools create for configured agents. */
  initialBalance: string
  temperature: number
  topP: number
}

export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  toolTimeoutMs: 30_000,
  delegationTimeoutMs: 300_000,
  maxReflections: 3,
  maxTurnsPerMessage: 12,
  maxDelegationDepth: 6,
  contextTokens: 96_000,
  dedupPolicy: 'none',
  defaultModel: 'openai/gpt-4o',
  initialBalance: '100.0',
  temperature: 0.7,
  topP: 1,
}

/** Resolves a `provider/model` id to the provider that serves it. */
export type ModelResolver = (modelId: string) => ModelProvider

/** Everything the runtime needs; built by a composition root (CLI, app, worker, test). */
export interface RuntimeDeps {
  stacks: StackStore
  artifacts: ArtifactStore
  tools: ToolRegistry
  models: ModelResolver
  templates: AgentTemplates
  /** Agents from agents.yml. */
  agents: readonly AgentDefinition[]
  overrides: OverrideStore
  ledger?: LedgerClient
  clock: Clock
  settings: RuntimeSettings
  cache?: ToolCache
  dedupSeen?: DedupSeenSet
  /** Records tool outcomes, or replays them (`--replay`: tools do not run). */
  toolRecorder?: ToolRecorder
  /** Runs `fn` in one storage transaction (the writes of a step commit together). Default: no grouping. */
  transaction?: <T>(fn: () => T) => T
  /**
   * Group commit: the writes of every step of one event-loop turn share one commit (see
   * `main/storage/groupCommit.ts`). When set, events wait for the commit of the writes that
   * caused them, and side-effecting tools flush before they run.
   */
  groupCommit?: GroupCommitPort
}

/** What the engine needs of a group commit. */
export interface GroupCommitPort {
  /** Runs `fn` inside the open batch (opening one if needed); it rolls back alone if it throws. */
  run<T>(fn: () => T): T
  /** Commits the open batch now. */
  flush(): void
  /** True while writes wait for their commit. */
  pending(): boolean
  /** Resolves once the writes made so far are committed, without cutting the open batch short. */
  whenCommitted(): Promise<void>
  /** After each batch: `error` null when it committed. */
  onCommit(listener: (error: unknown) => void): void
}

/** Where one agent's work happens. */
export interface AgentRef {
  readonly conversationId: ConversationId
  readonly agentId: AgentId
  readonly branch: BranchId
}

/** Shared by the runtime modules: dependencies, events, the scheduler and the push helper. */
export interface RuntimeContext {
  deps: RuntimeDeps
  events: EngineEvents
  scheduler: Scheduler
  /** Tool calls running in this process, by `key/callId`. */
  inFlight: Set<string>
  /** `modelCall`: the metrics of the model call these states answer, stored with the first one. */
  push(at: AgentRef, states: readonly StateInput[], modelCall?: PushOptions['modelCall']): PushResult
  wake(at: AgentRef): void
  agent(agentId: string): AgentDefinition | undefined
  /** Conversation by id (cached: conversations are immutable once created). */
  conversation(id: string): Conversation
  /** Runs the synchronous writes of one step in one transaction. */
  tx<T>(fn: () => T): T
  /** Makes every write so far durable before something leaves the process (a side-effecting tool). */
  flush(): void
  /** Resolves once every write so far is durable, sharing the open batch's commit. */
  committed(): Promise<void>
  /** Open spans per branch, tool call and delegation (see `tracing.ts`). */
  tracing: EngineTracing
}

export const SEP = '\u0000'
/**
 * The key of each AgentRef seen, so a step's many lookups (scheduler, holds, in-flight calls) use
 * one flat string whose hash V8 keeps, not a new concatenation to flatten and hash each time.
 * AgentRefs are never changed after they are made.
 */
const keys = new WeakMap<AgentRef, string>()

export function keyOf(at: AgentRef): string {
  let key = keys.get(at)
  if (key === undefined) keys.set(at, (key = `${at.conversationId}${SEP}${at.agentId}${SEP}${at.branch}`))
  return key
}

export function refOf(key: string): AgentRef {
  const [c, a, b] = key.split(SEP)
  const at: AgentRef = { conversationId: c as ConversationId, agentId: a as AgentId, branch: b as BranchId }
  keys.set(at, key)
  return at
}

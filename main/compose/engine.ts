import type { LoadedConfig } from '../engine/config/types'
import { RecordingProvider } from '../engine/models/recording'
import { LimitedProvider, parseConcurrencyLimits } from '../engine/models/limiter'
import { ModelRouter } from '../engine/models/router'
import { systemClock } from '../engine/ports/clock'
import type { ConcurrencyPort } from '../engine/ports/concurrency'
import type { LedgerClient } from '../engine/ports/ledger'
import { noopLogger, type Logger } from '../engine/ports/logger'
import { loggedLedger, loggedModel, logEngineEvents } from './logging'
import type { ModelProvider } from '../engine/ports/model'
import { DEFAULT_RUNTIME_SETTINGS, type RuntimeDeps, type RuntimeSettings } from '../engine/runtime/context'
import { Engine } from '../engine/runtime/engine'
import { AgentTemplates } from '../engine/templates/agentTemplates'
import { builtinRegistry } from '../engine/tools/builtins'
import { ToolRecorder } from '../engine/tools/recorder'
import type { ToolProblem } from '../engine/tools/registry'
import { mergeToolSources, type ToolSourceLoad } from '../engine/tools/sources'
import { mcpToolSource } from './mcp'
import { SqliteDedupSeenSet, SqliteOverrideStore, SqliteRecordingStore, SqliteToolCache, SqliteToolRecordingStore } from '../storage/runtime/sqliteRuntimeStores'
import type { SqliteStore } from '../storage/sqliteStore'
import { GroupCommit } from '../storage/groupCommit'
import { createStackStorage } from '../storage/stacks/create'
import { payloadStoreFor } from './payloads'

export interface ComposeEngineOptions {
  store: SqliteStore
  config: LoadedConfig
  ledger?: LedgerClient
  /** `replay`: answers only from recordings (no network; a miss is an error). Default: record. */
  modelMode?: 'record' | 'replay'
  /** Replaces the model router (tests, benchmarks). */
  model?: ModelProvider
  /** Used instead of an in-thread model router, under the same limits and recording (a router on a worker thread). */
  router?: ModelProvider
  settings?: Partial<RuntimeSettings>
  /**
   * Group commit (one commit per event-loop turn across conversations); on unless `false`. Another
   * connection of the same thread commits the open batch before it runs a statement (see
   * storage/heldLocks.ts), so it never waits on it.
   */
  groupCommit?: boolean
  /** Where model calls, tool calls, turns and ledger commands are logged (default: nowhere). */
  logger?: Logger
  /**
   * Tools from other sources, already loaded (custom tool files, MCP servers), merged after the
   * built-ins in this order. Name clashes and the sources' own problems go to `onToolProblems`.
   */
  toolSources?: readonly { id: string; load: ToolSourceLoad }[]
  onToolProblems?: (problems: ToolProblem[]) => void
  /** Environment of the S3 client with ARTIFACT_DRIVER=s3 (AWS_*; default: `process.env`). */
  env?: NodeJS.ProcessEnv
  /** Told once per MCP server that fails to start (or tool it lacks), besides the log (CLI: stderr). */
  onToolProblem?: (message: string) => void
  /** False: model answers are not streamed (nobody shows the tokens: rollout variants). Default true. */
  streamTokens?: boolean
  /** Raises every provider's concurrent-call limit to at least this (one engine serving `--parallel` variants). */
  modelConcurrencyFloor?: number
  /** Where model-call slots come from (default: this process's own; `composeModelLimits` for Redis-wide limits). */
  modelSlots?: ConcurrencyPort
}

/** The configured limits with every provider (and the default `*`) raised to at least `floor`. */
const limitsWithFloor = (text: string, floor = 0) => {
  const limits = parseConcurrencyLimits(text)
  return floor > 0 ? Object.fromEntries(Object.entries({ '*': 16, ...limits }).map(([k, v]) => [k, Math.max(v, floor)])) : limits
}

/** Drops the token callback: the provider makes a plain (non-streaming) request. */
const unstreamed = (p: ModelProvider): ModelProvider => ({
  label: p.label,
  complete: (request, options) => p.complete(request, options?.signal ? { signal: options.signal } : {}),
})

/**
 * Builds the engine on SQLite-backed ports: one composition for the CLI, the desktop app and
 * worker threads. Every model call is recorded so a later `--replay` can re-run without network.
 */
export function composeEngine(o: ComposeEngineOptions): Engine {
  const { settings } = o.config
  const log = o.logger ?? noopLogger
  const payloads = payloadStoreFor(o.store, settings, o.env, (message) => log.warn('artifact payload upload failed', { component: 'payloads', error: message }))
  const { stacks, artifacts } = createStackStorage(o.store, Date.now, payloads)
  const router = o.router ?? new ModelRouter({ apiBase: settings.llm.apiBase, ...(settings.llm.apiKey ? { apiKey: settings.llm.apiKey } : {}) })
  const limited = o.model ?? new LimitedProvider(router, limitsWithFloor(settings.llm.concurrency, o.modelConcurrencyFloor), o.modelSlots)
  const inner = o.streamTokens === false ? unstreamed(limited) : limited
  // One commit per event-loop turn for every step that ran in it (see storage/groupCommit.ts); on by default.
  const group = o.groupCommit !== false ? new GroupCommit(o.store) : undefined
  // Recordings join the batch of the step that made them instead of committing alone.
  const inBatch = group ? <T>(fn: () => T): T => group.run(fn) : undefined
  const recording = new RecordingProvider(o.modelMode === 'replay' ? null : inner, new SqliteRecordingStore(o.store, inBatch), o.modelMode ?? 'record')
  const models = o.logger ? loggedModel(recording, log.child({ component: 'model' })) : recording
  const ledger = o.ledger && o.logger ? loggedLedger(o.ledger, log.child({ component: 'ledger' })) : o.ledger
  // LEDGER_ENABLED=false: no wallet tools for any agent and no ledger in the runtime.
  const tools = builtinRegistry([], { ledger: settings.ledger.enabled })
  const toolProblems = mergeToolSources(tools, o.toolSources ?? [])
  if (toolProblems.length) o.onToolProblems?.(toolProblems)
  // MCP servers: tools `SERVER__TOOL`, each server started on first use and stopped by `tools.close()`.
  if (o.config.mcpServers) tools.addSource(mcpToolSource(o.config, log, o.onToolProblem))
  const deps: RuntimeDeps = {
    stacks,
    artifacts,
    tools,
    models: () => models,
    templates: new AgentTemplates(o.config.configDir),
    agents: o.config.agents,
    overrides: new SqliteOverrideStore(o.store),
    ...(ledger && settings.ledger.enabled ? { ledger } : {}),
    clock: systemClock,
    settings: {
      ...DEFAULT_RUNTIME_SETTINGS,
      dedupPolicy: settings.dedupPolicy,
      defaultModel: settings.llm.defaultModel,
      initialBalance: settings.ledger.initialBalance,
      ...o.settings,
    },
    cache: new SqliteToolCache(o.store),
    dedupSeen: new SqliteDedupSeenSet(o.store),
    toolRecorder: new ToolRecorder(new SqliteToolRecordingStore(o.store, inBatch), o.modelMode ?? 'record'),
    transaction: (fn) => o.store.write(fn),
    ...(group ? { groupCommit: group } : {}),
  }
  const engine = new Engine(deps)
  if (o.logger) logEngineEvents(engine.events, log.child({ component: 'engine' }))
  return engine
}

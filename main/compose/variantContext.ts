import { loadConfig } from '../engine/config/load'
import { messageOf } from '../engine/errors'
import { loadEvaluators } from '../engine/evals/registry'
import type { ConcurrencyPort } from '../engine/ports/concurrency'
import type { LedgerClient } from '../engine/ports/ledger'
import type { Logger } from '../engine/ports/logger'
import type { ModelProvider } from '../engine/ports/model'
import type { VariantTask } from '../engine/rollouts/repository'
import type { ExpandedVariant } from '../engine/schema/rollout'
import type { Engine } from '../engine/runtime/engine'
import { cantonLedgerFromSettings } from '../ledger/canton/fromSettings'
import { EmbeddedLedger } from '../storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../storage/rollouts/sqliteRollouts'
import type { SqliteStore } from '../storage/sqliteStore'
import { loadHostTools } from './customTools'
import { composeEngine } from './engine'
import { ThreadedModelProvider } from './threadedModel'

/** Everything a variant task runs on, built once and reused by every later variant of the same setup. */
export interface VariantContext {
  store: SqliteStore
  repo: SqliteRolloutStore
  config: ReturnType<typeof loadConfig>
  ledger: LedgerClient
  evaluators: Awaited<ReturnType<typeof loadEvaluators>>
  engine: Engine
  log: Logger
  /** Decoded rollout specs (a rollout's spec never changes: decoded once, not once per variant). */
  specs: Map<string, ExpandedVariant[]>
  /** Engine 'error' events per conversation-key prefix (one listener for every variant in flight). */
  bugs: Map<string, string[]>
  /** The "process" dies (fault injection): this context is dropped, its engine closed. */
  kill: () => void
  /** Stops the model-call thread, if any, and this context's MCP servers. */
  closeModels: () => Promise<void>
  /** MCP servers that failed to start (told once per context): the next variant's row shows them. */
  toolProblems: string[]
}

/** What the context is built on: its own connection (worker thread) or the host's (single writer). */
export interface VariantContextParts {
  store: SqliteStore
  /** The host's ledger client; absent: one is built on `store` (or for Canton) from the settings. */
  ledger?: LedgerClient
  log: Logger
  /** One commit per event-loop turn across the variants (only when every writer uses `store`). */
  groupCommit?: boolean
  /** Concurrent model calls allowed per provider, at least (the rollout's `--parallel`). */
  modelConcurrencyFloor?: number
  /** Replaces the model router (benchmarks: an in-process model, to measure the engine alone). */
  model?: ModelProvider
  /** Model calls (HTTP clients) on a worker thread of their own, off the writer's thread. */
  modelThread?: boolean
  /** Model-call slots shared beyond this context (scale-out: `composeModelLimits(redis)`); default per engine. */
  modelSlots?: ConcurrencyPort
  kill: () => void
}

/** The cache key of a task's setup: tasks with the same key share one context. */
export const contextKey = (t: Pick<VariantTask, 'dbPath' | 'configDir' | 'env' | 'modelMode'>): string => JSON.stringify([t.dbPath, t.configDir, t.env, t.modelMode])

/** Builds the config, evaluators, ledger client and engine for `task`'s setup on `parts.store`. */
export async function buildVariantContext(task: Pick<VariantTask, 'configDir' | 'env' | 'modelMode'>, parts: VariantContextParts): Promise<VariantContext> {
  const { store, log } = parts
  // The config folder's custom tools, loaded before its agents are checked against tool names.
  const tools = loadHostTools(task.configDir, { logger: log })
  for (const problem of tools.problems) log.warn('custom tool not loaded', { problem })
  const config = loadConfig({ configDir: task.configDir, env: task.env, tools: tools.names })
  const { settings } = config
  const ledger = parts.ledger ?? (settings.ledger.backend === 'canton' ? cantonLedgerFromSettings(settings, task.env) : new EmbeddedLedger(store, { party: settings.ledger.partyId }))
  const evaluators = await loadEvaluators(task.configDir)
  const toolProblems: string[] = []
  const router = parts.modelThread && !parts.model
    ? new ThreadedModelProvider({ apiBase: settings.llm.apiBase, ...(settings.llm.apiKey ? { apiKey: settings.llm.apiKey } : {}) })
    : null
  // Nobody shows a variant's tokens: plain (non-streaming) model requests cost less CPU.
  const engine = composeEngine({
    store, config, ledger, modelMode: task.modelMode, logger: log, streamTokens: false,
    toolSources: tools.sources, env: task.env, onToolProblem: (m) => toolProblems.push(m),
    ...(parts.groupCommit ? { groupCommit: true } : {}),
    ...(parts.model ? { model: parts.model } : {}),
    ...(router ? { router } : {}),
    ...(parts.modelConcurrencyFloor ? { modelConcurrencyFloor: parts.modelConcurrencyFloor } : {}),
    ...(parts.modelSlots ? { modelSlots: parts.modelSlots } : {}),
  })
  const bugs = new Map<string, string[]>()
  engine.events.on('error', (e: { key: string; error: unknown }) => {
    const variant = e.key.split('\u0000')[0]!
    bugs.get(variant)?.push(messageOf(e.error))
  })
  return { store, repo: new SqliteRolloutStore(store), config, ledger, evaluators, engine, log, specs: new Map(), bugs, kill: parts.kill, closeModels: async () => { await router?.close(); await engine.deps.tools.close() }, toolProblems }
}

/**
 * Closes every context of an executor (engine, model clients, and the ledger unless `shared` is
 * the one the contexts borrowed), then `after` (e.g. the context's own store), and empties the
 * map; a context that failed to build is skipped.
 */
export async function closeContexts(contexts: Map<string, Promise<VariantContext>>, shared?: unknown, after?: (ctx: VariantContext) => void): Promise<void> {
  const all = [...contexts.values()]
  contexts.clear()
  for (const p of all) {
    const ctx = await p.catch(() => null)
    if (!ctx) continue
    ctx.engine.close()
    await ctx.closeModels()
    if (ctx.ledger !== shared) await ctx.ledger.close()
    after?.(ctx)
  }
}

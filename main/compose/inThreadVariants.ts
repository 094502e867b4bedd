import { setMaxListeners } from 'node:events'
import type { LedgerClient } from '../engine/ports/ledger'
import { noopLogger, type Logger } from '../engine/ports/logger'
import type { ModelProvider } from '../engine/ports/model'
import type { VariantExecutor } from '../engine/rollouts/pool'
import { variantConversationId } from '../engine/rollouts/types'
import type { SqliteStore } from '../storage/sqliteStore'
import { buildVariantContext, closeContexts, contextKey, type VariantContext } from './variantContext'
import { runVariantWith } from './variantTask'

export interface InThreadVariantsOptions {
  /** The host's connection: the one writer of the database for every variant. */
  store: SqliteStore
  /** The host's ledger client (absent: built on `store` from the settings). */
  ledger?: LedgerClient
  logger?: Logger
  /**
   * One commit per event-loop turn across all variants in flight. Only when nothing else writes
   * to `store` in this process meanwhile (the CLI); the app's chat engine shares its connection,
   * so the app leaves it off (its writes would join a batch before their events go out).
   */
  groupCommit?: boolean
  /** The rollout's `--parallel`: the engine's model-call limit per provider is raised to it. */
  parallel?: number
  /** Replaces the model router (benchmarks). */
  model?: ModelProvider
  /**
   * Model calls on a worker thread of their own: the HTTP client's CPU (a few ms per call) runs
   * beside the writer's thread instead of on it. Default: on from 8 variants in flight (below
   * that the writer's thread has time to spare and the thread's start would cost more).
   */
  modelThread?: boolean
}

/**
 * The single-writer executor: every variant runs as a concurrent task on this thread, on one
 * engine over the host's connection, so the database has exactly one writer (no lock waits, no
 * SQLITE_BUSY sleeps) and the engine's writes of one event-loop turn, across variants, share one
 * commit. A variant is I/O-bound (model latency): `--parallel` bounds the tasks in flight, not
 * threads. A failing variant is its row's error; one over its deadline is stopped by its signal,
 * and `close()` stops every variant in flight (their rows stay `running`, so a resume reruns them).
 */
export function inThreadVariants(o: InThreadVariantsOptions): { run: VariantExecutor; close: () => Promise<void> } {
  const contexts = new Map<string, Promise<VariantContext>>()
  const log = o.logger ?? noopLogger
  const contextFor = (task: Parameters<VariantExecutor>[0]): Promise<VariantContext> => {
    const key = contextKey(task)
    let c = contexts.get(key)
    if (!c) {
      c = buildVariantContext(task, {
        store: o.store, log, groupCommit: o.groupCommit ?? false,
        ...(o.parallel ? { modelConcurrencyFloor: o.parallel } : {}),
        ...(o.model ? { model: o.model } : {}),
        modelThread: o.modelThread ?? (o.parallel ?? 1) >= 8,
        ...(o.ledger ? { ledger: o.ledger } : {}),
        kill: () => {
          // A simulated crash: this engine is gone; the next variant builds a new one.
          contexts.delete(key)
          void c?.then((ctx) => {
            ctx.engine.close()
            return ctx.closeModels()
          })
        },
      })
      contexts.set(key, c)
      c.catch(() => contexts.delete(key))
    }
    return c
  }
  // Closing stops the variants in flight (as destroying a worker pool does): they end as aborted.
  const closing = new AbortController()
  // Each variant in flight (up to --parallel) joins it with AbortSignal.any: no listener cap.
  setMaxListeners(0, closing.signal)
  return {
    run: async (task, signal) => {
      // One event-loop turn before each variant: offline variants (scripted model, rule-based
      // agents) otherwise run as one long chain of promise callbacks that starves I/O (progress
      // output, a closed stdout, the app's IPC) until the whole rollout is over.
      await new Promise((resolve) => setImmediate(resolve))
      const ctx = await contextFor(task)
      try {
        return await runVariantWith(ctx, task, AbortSignal.any([signal, closing.signal]))
      } catch (err) {
        // Stopped by close(): like a process that dies, the row stays as it was for a resume.
        if (closing.signal.aborted) return { status: 'killed' }
        // Past its deadline (the row becomes a timeout cell): its open tool calls and delegations
        // are answered as cancelled, so the abandoned conversation starts no new work.
        if (signal.aborted) {
          try {
            ctx.engine.cancelPending(variantConversationId(task.rolloutId, task.team, task.variantId))
          } catch {
            // not started yet, or already idle
          }
        }
        throw err
      }
    },
    close: async () => {
      closing.abort(new Error('variant executor closed'))
      // The host's ledger (o.ledger) is borrowed: it stays open.
      await closeContexts(contexts, o.ledger)
    },
  }
}

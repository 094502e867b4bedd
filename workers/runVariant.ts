import { z } from 'zod'
import { buildVariantContext, closeContexts, contextKey, type VariantContext } from '../main/compose/variantContext'
import { runVariantWith } from '../main/compose/variantTask'
import { loadHostTools } from '../main/compose/customTools'
import type { VariantTask, VariantTaskResult } from '../main/engine/rollouts/repository'
import { loadConfig } from '../main/engine/config/load'
import { workerLogger } from '../main/logging/workerLogging'
import { resolveLoggingSettings } from '../main/logging/settings'
import { knownSecrets } from '../main/logging/redact'
import { openStore } from '../main/storage/sqliteStore'
import { flushTelemetry, startTelemetry } from '../main/telemetry/otel'

const TaskSchema = z.strictObject({
  dbPath: z.string().min(1),
  configDir: z.string().min(1),
  env: z.record(z.string(), z.string()),
  rolloutId: z.string().min(1),
  team: z.string().min(1),
  variantId: z.string().min(1),
  modelMode: z.enum(['record', 'replay']),
  samples: z.int().min(1).optional(),
  traceparent: z.string().max(100).optional(),
  inject: z.enum(['throw', 'hang', 'die_after_transfer', 'die_after_judge']).optional(),
})

/**
 * One store connection, config, ledger client and engine per worker thread and task setup,
 * reused by the thread's later tasks (the engine runs many conversations; rebuilding all of it
 * per variant cost more CPU than the variant itself).
 */
const contexts = new Map<string, Promise<VariantContext>>()

function contextFor(task: z.infer<typeof TaskSchema>): Promise<VariantContext> {
  const key = contextKey(task)
  let c = contexts.get(key)
  if (!c) {
    c = (async () => {
      const store = openStore(task.dbPath)
      // Agents may name the config folder's custom tools: their names are known before the config loads.
      const config = loadConfig({ configDir: task.configDir, env: task.env, tools: loadHostTools(task.configDir).names })
      const log = workerLogger({ home: config.settings.home, level: resolveLoggingSettings(config, task.env).workerLevel, secrets: knownSecrets(config, task.env) })
      log.info('worker started', { db: task.dbPath, backend: config.settings.ledger.backend, modelMode: task.modelMode })
      const ctx: VariantContext = await buildVariantContext(task, {
        store, log,
        kill: () => {
          contexts.clear()
          ctx.engine.close()
          void ctx.engine.deps.tools.close() // this thread's MCP servers
        },
      })
      return ctx
    })()
    contexts.set(key, c)
    c.catch(() => contexts.delete(key))
  }
  return c
}

/** Closes every cached context of this thread (tests running tasks inline; pool shutdown). */
export async function closeThreadContexts(): Promise<void> {
  // Engine, model client and this thread's MCP servers, ledger; then the thread's own connection.
  await closeContexts(contexts, undefined, (c) => {
    c.store.close()
    c.log.info('worker context closed')
  })
}

/**
 * Piscina task: runs ONE rollout variant on the thread's own store connection and engine, stores
 * the row (done or failed) and returns its status. Also called directly (inline executor, tests).
 */
export default async function runVariant(raw: VariantTask): Promise<VariantTaskResult> {
  const task = TaskSchema.parse(raw)
  // Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the thread shares the process's environment).
  await startTelemetry('rollout-worker')
  try {
    return await runVariantWith(await contextFor(task), task)
  } finally {
    // An idle worker thread is ended by the pool: its spans leave with each task.
    await flushTelemetry()
  }
}

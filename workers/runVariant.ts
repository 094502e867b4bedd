import { z } from 'zod'
import { composeEngine } from '../main/compose/engine'
import { loadConfig } from '../main/engine/config/load'
import { messageOf } from '../main/engine/errors'
import { loadEvaluators } from '../main/engine/evals/registry'
import type { LedgerClient } from '../main/engine/ports/ledger'
import { executeVariant } from '../main/engine/rollouts/executeVariant'
import type { VariantTask, VariantTaskResult } from '../main/engine/rollouts/repository'
import { cantonLedgerFromSettings } from '../main/ledger/canton/fromSettings'
import { EmbeddedLedger } from '../main/storage/ledger/embeddedLedger'
import { SqliteRolloutStore } from '../main/storage/rollouts/sqliteRollouts'
import { openStore } from '../main/storage/sqliteStore'

const TaskSchema = z.strictObject({
  dbPath: z.string().min(1),
  configDir: z.string().min(1),
  env: z.record(z.string(), z.string()),
  rolloutId: z.string().min(1),
  team: z.string().min(1),
  variantId: z.string().min(1),
  modelMode: z.enum(['record', 'replay']),
  samples: z.int().min(1).optional(),
  inject: z.enum(['throw', 'hang', 'die_after_transfer']).optional(),
})

/**
 * Piscina task: runs ONE rollout variant on its own store connection and engine, stores the
 * row (done or failed) and returns its status. Also called directly (inline executor, tests).
 */
export default async function runVariant(raw: VariantTask): Promise<VariantTaskResult> {
  const task = TaskSchema.parse(raw)
  const store = openStore(task.dbPath)
  const repo = new SqliteRolloutStore(store)
  const config = loadConfig({ configDir: task.configDir, env: task.env })
  let ledger: LedgerClient | undefined
  let engine: ReturnType<typeof composeEngine> | undefined
  let killed = false
  try {
    const { settings } = config
    ledger = settings.ledger.backend === 'canton' ? cantonLedgerFromSettings(settings, task.env) : new EmbeddedLedger(store, { party: settings.ledger.partyId })
    const rollout = repo.get(task.rolloutId)
    const variant = rollout.spec.variants.find((v) => v.teamId === task.team && v.id === task.variantId)
    if (!variant) throw new Error(`rollout ${task.rolloutId} has no variant ${task.team}/${task.variantId}`)
    const evaluators = await loadEvaluators(task.configDir)
    engine = composeEngine({ store, config, ledger, modelMode: task.modelMode })
    const bugs: string[] = []
    engine.events.on('error', (e) => bugs.push(messageOf(e.error)))
    if (task.inject === 'throw') throw new Error('injected crash')
    if (task.inject === 'hang') await new Promise(() => {})
    const e = engine
    const die = new Promise<never>((_, reject) => {
      if (task.inject !== 'die_after_transfer') return
      e.events.on('tool:end', (t) => {
        if (t.name !== 'transfer_funds') return
        killed = true
        e.close()
        // A model call may still be in flight when the "process dies"; its late failure is expected.
        e.events.on('error', () => {})
        reject(new Error('killed'))
      })
    })
    const metrics = await Promise.race([
      executeVariant({
        engine, ledger, evaluators, configDir: task.configDir, rolloutId: task.rolloutId, variant,
        ...(task.samples ? { samples: task.samples } : {}),
        onStarted: (cid) => repo.markRunning(task.rolloutId, task.team, task.variantId, cid),
      }),
      die,
    ])
    metrics.errors.push(...bugs)
    repo.markDone(task.rolloutId, task.team, task.variantId, metrics)
    return { status: 'done' }
  } catch (err) {
    if (killed) return { status: 'killed' }
    const error = messageOf(err)
    repo.markFailed(task.rolloutId, task.team, task.variantId, error)
    return { status: 'failed', error }
  } finally {
    if (!killed) engine?.close()
    await ledger?.close()
    store.close()
  }
}

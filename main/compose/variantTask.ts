import { messageOf } from '../engine/errors'
import { aborted, executeVariant } from '../engine/rollouts/executeVariant'
import { postVariantPhase } from '../engine/rollouts/phases'
import type { VariantTask, VariantTaskResult } from '../engine/rollouts/repository'
import { variantConversationId } from '../engine/rollouts/types'
import { errorFields } from './logging'
import type { VariantContext } from './variantContext'

/**
 * Runs ONE rollout variant on `ctx` (a worker thread's context, or the host's single-writer
 * context), stores its row (done or failed) and returns its status. With `signal` (in-thread
 * runs) an abort rejects with the signal's reason and leaves the row to the runner, exactly as a
 * worker thread stopped by the pool does.
 */
export async function runVariantWith(ctx: VariantContext, task: VariantTask, signal?: AbortSignal): Promise<VariantTaskResult> {
  const { repo, engine } = ctx
  // With a group commit the row updates join the open batch instead of committing on their own.
  const write = (fn: () => void): void => (engine.deps.groupCommit ? engine.deps.groupCommit.run(fn) : fn())
  // The row a task reports must be committed before the task returns: the runner (on another
  // connection when this is a worker thread) reads it as soon as the result arrives.
  const durable = (): void => engine.deps.groupCommit?.flush()
  const log = ctx.log.child({ rollout: task.rolloutId, team: task.team, variant: task.variantId })
  const started = Date.now()
  log.info('variant started')
  let killed = false
  const bugs: string[] = []
  const conversationId = variantConversationId(task.rolloutId, task.team, task.variantId)
  ctx.bugs.set(conversationId, bugs)
  try {
    let variants = ctx.specs.get(task.rolloutId)
    if (!variants) ctx.specs.set(task.rolloutId, (variants = repo.get(task.rolloutId).spec.variants))
    const variant = variants.find((v) => v.teamId === task.team && v.id === task.variantId)
    if (!variant) throw new Error(`rollout ${task.rolloutId} has no variant ${task.team}/${task.variantId}`)
    if (task.inject === 'throw') throw new Error('injected crash')
    if (task.inject === 'hang') await Promise.race([new Promise(() => {}), aborted(signal)])
    let dieNow: () => void = () => {}
    const die = new Promise<never>((_, reject) => {
      dieNow = () => {
        killed = true
        // The "process" dies: this context is gone; a model call still in flight fails quietly.
        ctx.kill()
        engine.events.on('error', () => {})
        reject(new Error('killed'))
      }
      if (task.inject !== 'die_after_transfer') return
      engine.events.on('tool:end', (t) => {
        if (t.name === 'transfer_funds' && t.conversationId.includes(`:${task.variantId}`)) dieNow()
      })
    })
    const metrics = await Promise.race([
      executeVariant({
        engine, ...(ctx.config.settings.ledger.enabled ? { ledger: ctx.ledger } : {}), evaluators: ctx.evaluators, configDir: task.configDir, rolloutId: task.rolloutId, variant,
        ...(task.samples ? { samples: task.samples } : {}),
        ...(task.traceparent ? { traceparent: task.traceparent } : {}),
        ...(signal ? { signal } : {}),
        onStarted: (cid) => {
          write(() => repo.markRunning(task.rolloutId, task.team, task.variantId, cid))
          postVariantPhase({ rolloutId: task.rolloutId, team: task.team, variantId: task.variantId, phase: 'running' })
        },
        onJudging: () => postVariantPhase({ rolloutId: task.rolloutId, team: task.team, variantId: task.variantId, phase: 'judging' }),
        ...(task.inject === 'die_after_judge' ? { afterEvaluate: () => { dieNow(); return die } } : {}),
      }),
      die,
    ])
    metrics.errors.push(...bugs, ...ctx.toolProblems.splice(0))
    write(() => repo.markDone(task.rolloutId, task.team, task.variantId, metrics))
    durable()
    log.info('variant finished', { ms: Date.now() - started, errors: metrics.errors.length })
    return { status: 'done' }
  } catch (err) {
    if (killed) {
      log.warn('variant killed', { ms: Date.now() - started })
      return { status: 'killed' }
    }
    // Stopped by the runner (timeout): the runner records it, as for a worker thread it stops.
    if (signal?.aborted) throw err
    const error = messageOf(err)
    log.error('variant failed', { ms: Date.now() - started, ...errorFields(err) })
    write(() => repo.markFailed(task.rolloutId, task.team, task.variantId, error))
    durable()
    return { status: 'failed', error }
  } finally {
    ctx.bugs.delete(conversationId)
  }
}

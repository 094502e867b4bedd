import type { RolloutProgress } from '../../preload/contract'
import { onVariantPhase } from '../engine/rollouts/phases'
import type { RolloutDeps } from '../engine/rollouts/runner'
import type { VariantRecord } from '../engine/rollouts/types'

type Variant = NonNullable<RolloutProgress['variant']>
type Deps = RolloutDeps & { close: () => Promise<void> }

/**
 * Wraps a rollout's deps so that it emits `rollouts:progressed` payloads like the app's rollout
 * service does: the rollout-level state when it starts and ends, `starting` when a variant is
 * handed to the executor, `running`/`judging` from the variant phases, and the stored row when a
 * variant settles. Counts and totals come from a tally (one read at start, then its own events).
 * The runner's logic is untouched: only `executor`, `onSettled` and `close` are wrapped.
 */
export function withRolloutProgress(d: Deps, rolloutId: string, emit: (p: RolloutProgress) => void, log: (m: string) => void = () => {}): Deps {
  const key = (team: string, variantId: string) => `${team}\u0000${variantId}`
  let status = new Map<string, VariantRecord['status']>()
  let tokens = 0
  let cost = 0
  const phases = new Map<string, string>()
  const reread = () => {
    const variants = d.repo.variants(rolloutId)
    status = new Map(variants.map((v) => [key(v.team, v.variantId), v.status]))
    tokens = variants.reduce((s, v) => s + (v.metrics?.usage.totalTokens ?? 0), 0)
    cost = variants.reduce((s, v) => s + (v.metrics?.usage.costUsd ?? 0), 0)
  }
  const send = (variant: (Partial<Variant> & Pick<Variant, 'team' | 'variantId' | 'status'>) | null) => {
    try {
      if (!variant) reread()
      else {
        const k = key(variant.team, variant.variantId)
        const before = status.get(k)
        if (variant.status === 'running') {
          if (before === 'queued') status.set(k, 'running')
        } else if (variant.status !== before) {
          status.set(k, variant.status)
          if (variant.status === 'done' || variant.status === 'failed') {
            tokens += variant.totalTokens ?? 0
            cost += variant.costUsd ?? 0
          }
        }
      }
      const counts = { queued: 0, running: 0, done: 0, failed: 0 }
      for (const st of status.values()) counts[st]++
      emit({
        rolloutId, status: d.repo.get(rolloutId).status,
        variant: variant ? { totalTokens: null, costUsd: null, score: null, error: null, ...variant } : null,
        counts, totalTokens: tokens, costUsd: cost,
      })
    } catch (err) {
      log(`rollout ${rolloutId}: progress not published: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const stopPhases = onVariantPhase((m) => {
    const k = key(m.team, m.variantId)
    if (m.rolloutId !== rolloutId || !phases.has(k) || phases.get(k) === m.phase) return
    if (m.phase === 'running' && phases.get(k) === 'judging') return
    phases.set(k, m.phase)
    send({ team: m.team, variantId: m.variantId, status: 'running', phase: m.phase })
  })
  send(null)
  return {
    ...d,
    executor: (task, signal) => {
      phases.set(key(task.team, task.variantId), 'starting')
      send({ team: task.team, variantId: task.variantId, status: 'running', phase: 'starting' })
      return d.executor(task, signal)
    },
    onSettled: (team, variantId) => {
      d.onSettled?.(team, variantId)
      phases.delete(key(team, variantId))
      try {
        const v = d.repo.variant(rolloutId, team, variantId)
        send({
          team, variantId, status: v.status, phase: v.status,
          totalTokens: v.metrics?.usage.totalTokens ?? null, costUsd: v.metrics?.usage.costUsd ?? null, score: v.metrics?.score ?? null, error: v.error,
        })
      } catch (err) {
        log(`rollout ${rolloutId}: progress not published: ${err instanceof Error ? err.message : String(err)}`)
      }
    },
    close: async () => {
      stopPhases()
      try {
        await d.close()
      } finally {
        send(null)
      }
    },
  }
}

import { messageOf } from '../errors'
import type { LedgerClient } from '../ports/ledger'
import { noopLogger, type Logger } from '../ports/logger'
import type { ExpandedVariant } from '../schema/rollout'
import type { VariantExecutor } from './pool'
import type { RolloutRepository, VariantTask } from './repository'
import { thisRunner } from './liveness'
import { endRolloutSpan, endVariantSpan, startRolloutSpan, startVariantSpan, type SpanScope } from './rolloutSpans'
import type { LedgerSnapshot, RolloutOptions, RolloutRecord, RolloutRunner, VariantRecord } from './types'

export interface RolloutDeps {
  repo: RolloutRepository
  /** Absent when the ledger is disabled (`LEDGER_ENABLED=false`): no wallets, snapshots or figures. */
  ledger?: LedgerClient
  executor: VariantExecutor
  /** Task fields shared by every variant (database, config dir, env, model mode). */
  task: Pick<VariantTask, 'dbPath' | 'configDir' | 'env' | 'modelMode'>
  /** Fault injection per `team/variant` (tests only). */
  faults?: Record<string, VariantTask['inject']>
  /** The process recorded as running the rollout (default: this one). */
  runner?: RolloutRunner
  /**
   * Variant tasks in flight at once (default: the rollout's `parallel`). A scale-out coordinator
   * hands every pending variant to the queue at once: the workers' concurrency is the real bound.
   */
  lanes?: number
  /** Called when a variant task settles. */
  onSettled?: (team: string, variantId: string) => void
  now?: () => number
  /** Where the rollout's start, end and crashed variant tasks are logged (default: nowhere). */
  logger?: Logger
}

/** Ledger state for the "Ledger State Changes" section. */
export async function ledgerSnapshot(ledger: LedgerClient, label: LedgerSnapshot['label'], now = Date.now()): Promise<LedgerSnapshot> {
  const [metrics, wallets] = await Promise.all([ledger.metrics(), ledger.listWallets()])
  return { label, timestamp: now, metrics, wallets: wallets.map((w) => ({ agent: w.agent, balance: w.balance })).sort((a, b) => a.agent.localeCompare(b.agent)) }
}

/** `<unix ms>-<4 hex>`: sortable, unique enough for one machine. */
export const newRolloutId = (now = Date.now()): string => `ro_${now.toString(36)}${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`

/**
 * Creates the rollout (one queued row per variant, the ledger "before" snapshot; wallets for
 * `walletAgents` are created first, like `ledger init`) without running anything.
 */
export async function createRollout(
  deps: RolloutDeps,
  r: { specFile: string; source: unknown; variants: ExpandedVariant[]; options: RolloutOptions; walletAgents?: string[]; initialBalance?: string; id?: string },
): Promise<RolloutRecord> {
  if (deps.ledger && r.walletAgents) {
    for (const agent of r.walletAgents) await deps.ledger.createWallet({ agent, initialBalance: r.initialBalance ?? '100.0', commandId: `init:${agent}` })
  }
  const before = deps.ledger ? await ledgerSnapshot(deps.ledger, 'before', (deps.now ?? Date.now)()) : null
  const options: RolloutOptions = { ...r.options, ...(deps.ledger ? {} : { ledgerEnabled: false }) }
  return deps.repo.create({ id: r.id ?? newRolloutId(), specFile: r.specFile, spec: { source: r.source, variants: r.variants, options }, ledgerBefore: before })
}

/**
 * Runs every unfinished variant (queued, or running when a previous process died) with at most
 * `options.parallel` in flight; finished and failed variants are never rerun, and a rollout with
 * nothing left to run is returned untouched. A crashing or hung task becomes that variant's
 * error. While it runs, this process is recorded as the rollout's runner. When the last variant
 * finishes, the ledger "after" snapshot is taken (once).
 */
export async function runRollout(deps: RolloutDeps, rolloutId: string): Promise<RolloutRecord> {
  const { repo } = deps
  const rollout = repo.get(rolloutId)
  const pending = repo.variants(rolloutId).filter((v) => v.status === 'queued' || v.status === 'running')
  // Nothing left to run: a finished rollout stays exactly as it was (status, snapshots, figures).
  if (!pending.length && rollout.status !== 'running') return rollout
  const runner = deps.runner ?? thisRunner()
  repo.claim(rolloutId, runner)
  const scope = startRolloutSpan(rollout, pending.length)
  const log = (deps.logger ?? noopLogger).child({ rollout: rolloutId })
  const started = Date.now()
  log.info('rollout started', { variants: pending.length, parallel: rollout.spec.options.parallel })
  try {
    repo.setStatus(rolloutId, 'running')
    await runPending(deps, rollout, pending, scope)
    const left = repo.variants(rolloutId).some((v) => v.status === 'queued' || v.status === 'running')
    if (!left) {
      // Taken once, when the last variant finishes; the store never overwrites it.
      if (deps.ledger) repo.setLedgerAfter(rolloutId, await ledgerSnapshot(deps.ledger, 'after', (deps.now ?? Date.now)()))
      repo.setStatus(rolloutId, 'done')
    }
    endRolloutSpan(scope, left ? 'interrupted' : 'done')
    log.info(left ? 'rollout interrupted' : 'rollout finished', { ms: Date.now() - started, failed: repo.variants(rolloutId).filter((v) => v.status === 'failed').length })
  } catch (err) {
    endRolloutSpan(scope, 'failed', err)
    log.error('rollout stopped', { ms: Date.now() - started, err: { message: messageOf(err) } })
    throw err
  } finally {
    repo.release(rolloutId, runner)
  }
  return repo.get(rolloutId)
}

/** Runs `pending` with at most `options.parallel` tasks in flight; a failed task becomes the variant's error. */
async function runPending(deps: RolloutDeps, rollout: RolloutRecord, pending: readonly VariantRecord[], scope: SpanScope): Promise<void> {
  const { repo } = deps
  const rolloutId = rollout.id
  const { parallel, taskTimeoutMs, samples } = rollout.spec.options
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < pending.length) {
      const v = pending[next++]!
      const span = startVariantSpan(scope, rolloutId, v.team, v.variantId)
      const task: VariantTask = {
        ...deps.task, rolloutId, team: v.team, variantId: v.variantId,
        ...(span.traceparent ? { traceparent: span.traceparent } : {}),
        ...(samples ? { samples } : {}),
        ...(deps.faults?.[`${v.team}/${v.variantId}`] ? { inject: deps.faults[`${v.team}/${v.variantId}`] } : {}),
      }
      try {
        const r = await deps.executor(task, AbortSignal.timeout(taskTimeoutMs))
        endVariantSpan(span, { result: r })
        if (r.status === 'killed') continue
      } catch (err) {
        const reason = err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
          ? `variant task stopped after ${taskTimeoutMs / 1000} s (timeout)`
          : `variant task crashed: ${messageOf(err)}`
        repo.markFailed(rolloutId, v.team, v.variantId, reason)
        endVariantSpan(span, { error: err, reason })
        deps.logger?.warn('variant task failed', { rollout: rolloutId, team: v.team, variant: v.variantId, reason })
      } finally {
        deps.onSettled?.(v.team, v.variantId)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.lanes ?? parallel, pending.length)) }, lane))
}

import type { CompareRow, RolloutDetail, RolloutSummary, TeamAggregate, VariantPhase } from '../../../preload/contract'
import { rolloutName } from '../../engine/rollouts/name'
import type { RolloutRecord, VariantRecord } from '../../engine/rollouts/types'
import { exportRows, toCsv } from '../../engine/rollouts/export'
import { ledgerFlows } from '../../engine/rollouts/ledgerFlows'
import { rolloutState } from '../../engine/rollouts/liveness'
import { teamBest } from '../../engine/rollouts/ranking'

/** Queued/running/done/failed counts of a rollout's variants. */
export function countsOf(variants: readonly VariantRecord[]): RolloutSummary['counts'] {
  const counts = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const v of variants) counts[v.status]++
  return counts
}

/** Whether the offline scripted model (or judge) answered any call. */
export const isOffline = (variants: readonly VariantRecord[]): boolean =>
  variants.some((v) => v.metrics?.usage.offline || v.metrics?.judgeUsage.offline || v.metrics?.scores.some((s) => s.offline))

export function toSummary(r: RolloutRecord, variants: readonly VariantRecord[], active: boolean): RolloutSummary {
  return {
    id: r.id, name: rolloutName(r.specFile, r.createdAt), specFile: r.specFile, status: r.status, createdAt: r.createdAt, finishedAt: r.finishedAt,
    total: variants.length, counts: countsOf(variants), offline: isOffline(variants), active,
    interrupted: !active && rolloutState(r) === 'interrupted',
  }
}

/** Per team: mean primary score over finished variants, the best variant (or a tie), tokens and cost. */
export function teamAggregates(variants: readonly VariantRecord[]): TeamAggregate[] {
  const teams = new Map<string, VariantRecord[]>()
  for (const v of variants) teams.set(v.team, [...(teams.get(v.team) ?? []), v])
  return [...teams].map(([team, vs]) => {
    const scored = vs.filter((v) => v.status === 'done' && typeof v.metrics?.score === 'number')
    const best = teamBest(vs)
    return {
      team,
      variants: vs.length,
      done: vs.filter((v) => v.status === 'done').length,
      failed: vs.filter((v) => v.status === 'failed').length,
      meanScore: scored.length ? scored.reduce((s, v) => s + v.metrics!.score!, 0) / scored.length : null,
      bestVariant: best.kind === 'best' ? best.variantId : null,
      bestScore: best.kind === 'none' ? null : best.score,
      tie: best.kind === 'tie',
      tiedVariants: best.kind === 'tie' ? best.variantIds : [],
      totalTokens: vs.reduce((s, v) => s + (v.metrics?.usage.totalTokens ?? 0), 0),
      costUsd: vs.reduce((s, v) => s + (v.metrics?.usage.costUsd ?? 0), 0),
    }
  })
}

/** A variant's live phase as the host knows it (undefined: derive it from the stored status). */
export type PhaseLookup = (team: string, variantId: string) => VariantPhase | undefined

/**
 * The rollout with its variants (live phase and initial message included), team aggregates and
 * ledger snapshots.
 */
export function toDetail(r: RolloutRecord, variants: readonly VariantRecord[], active: boolean, phaseOf: PhaseLookup = () => undefined): RolloutDetail {
  const o = r.spec.options
  const messages = new Map(r.spec.variants.map((v) => [`${v.teamId}\u0000${v.id}`, v.initialMessage]))
  return {
    ...toSummary(r, variants, active),
    options: { parallel: o.parallel, ...(o.samples ? { samples: o.samples } : {}), strictTools: o.strictTools, replay: o.replay, taskTimeoutMs: o.taskTimeoutMs },
    variants: variants.map(({ rolloutId: _r, ...v }) => ({
      ...v,
      phase: v.status === 'done' || v.status === 'failed' ? v.status : (active && phaseOf(v.team, v.variantId)) || v.status,
      initialMessage: messages.get(`${v.team}\u0000${v.variantId}`) ?? null,
    })),
    teams: teamAggregates(variants),
    ledgerBefore: r.ledgerBefore,
    ledgerAfter: r.ledgerAfter,
    ledgerEnabled: o.ledgerEnabled !== false,
    ledgerFlows: ledgerFlows(variants),
  }
}

/** Variants matched by `team/variant`: score, cost and token deltas (right − left). */
export function compareRows(left: readonly VariantRecord[], right: readonly VariantRecord[]): CompareRow[] {
  const a = new Map(left.map((v) => [`${v.team}/${v.variantId}`, v]))
  const b = new Map(right.map((v) => [`${v.team}/${v.variantId}`, v]))
  const num = (v: VariantRecord | undefined, f: (v: NonNullable<VariantRecord['metrics']>) => number | null) => (v?.metrics ? f(v.metrics) : null)
  const d = (p: number | null, q: number | null) => (p === null || q === null ? null : q - p)
  return [...new Set([...a.keys(), ...b.keys()])].map((variant) => {
    const x = a.get(variant), y = b.get(variant)
    const score1 = num(x, (m) => m.score), score2 = num(y, (m) => m.score)
    const cost1 = num(x, (m) => m.usage.costUsd), cost2 = num(y, (m) => m.usage.costUsd)
    const tokens1 = num(x, (m) => m.usage.totalTokens), tokens2 = num(y, (m) => m.usage.totalTokens)
    return { variant, score1, score2, scoreDelta: d(score1, score2), cost1, cost2, costDelta: d(cost1, cost2), tokens1, tokens2, tokensDelta: d(tokens1, tokens2) }
  })
}

/** The same rows `p2engine rollout export` writes, as text to download. */
export function exportText(r: RolloutRecord, variants: readonly VariantRecord[], format: 'json' | 'jsonl' | 'csv') {
  const rows = exportRows(r, variants)
  const text = format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : format === 'jsonl' ? rows.map((x) => JSON.stringify(x)).join('\n') + '\n' : toCsv(rows) + '\n'
  const mime = format === 'json' ? 'application/json' : format === 'jsonl' ? 'application/x-ndjson' : 'text/csv'
  return { fileName: `${r.id}.${format}`, mime, text, rows: rows.length }
}

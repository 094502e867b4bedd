import { rolloutName } from './name'
import { roundsImprovement, type RolloutRecord, type VariantRecord } from './types'

/**
 * One flat row per variant (every evaluator's score as `score.<evaluator>`, its comment as
 * `comment.<evaluator>`, each `eval.metrics` metric as `metric.<name>`, feedback rounds as
 * `round.<n>` with `rounds`, `improvement` and `final_branch`); the initial message, the final answer and the primary evaluator's
 * comment (`judge_comment`) come last.
 */
export function exportRows(r: RolloutRecord, variants: readonly VariantRecord[]): Record<string, string | number | boolean | null>[] {
  const messages = new Map(r.spec.variants.map((v) => [`${v.teamId}\u0000${v.id}`, v.initialMessage]))
  const name = rolloutName(r.specFile, r.createdAt)
  const allNamed = [...new Set(variants.flatMap((v) => (v.metrics?.scores ?? []).flatMap((s) => s.metricNames ?? [])))]
  const maxRounds = Math.max(0, ...variants.map((v) => v.metrics?.rounds?.length ?? 0))
  return variants.map((v) => {
    const m = v.metrics
    const scores = Object.fromEntries((m?.scores ?? []).map((s) => [`score.${s.evaluator}`, s.score]))
    const comments = Object.fromEntries((m?.scores ?? []).map((s) => [`comment.${s.evaluator}`, s.comment ?? s.error ?? null]))
    // Learning rollouts: every `eval.metrics` metric, and the feedback rounds' scores.
    const named = Object.fromEntries(allNamed.map((n) => [`metric.${n}`, m?.scores.find((s) => s.metricNames?.includes(n))?.metrics[n] ?? null]))
    const rounds = maxRounds ? {
      ...Object.fromEntries(Array.from({ length: maxRounds }, (_, i) => [`round.${i + 1}`, m?.rounds?.[i]?.score ?? null])),
      rounds: m?.rounds?.length ?? null, improvement: m?.rounds ? roundsImprovement(m.rounds) : null, final_branch: m?.rounds?.at(-1)?.branchId ?? null,
    } : {}
    return {
      rollout_id: r.id, team: v.team, variant: v.variantId, position: v.position, status: v.status, error: v.error,
      conversation_id: v.conversationId, score: m?.score ?? null, ...scores, ...named, ...rounds,
      offline: m ? m.usage.offline || m.scores.some((s) => s.offline) : null,
      tokens: m?.usage.totalTokens ?? null, prompt_tokens: m?.usage.promptTokens ?? null, completion_tokens: m?.usage.completionTokens ?? null,
      judge_tokens: m?.judgeUsage.totalTokens ?? null, cost_usd: m?.usage.costUsd ?? null, judge_cost_usd: m?.judgeUsage.costUsd ?? null,
      wall_s: m ? m.wallMs / 1000 : null, model_s: m ? m.usage.modelMs / 1000 : null, tool_calls: m?.toolCalls ?? null,
      final_balance: m?.ledger?.finalBalance ?? null, net_flow: m?.ledger?.netFlow ?? null, transfers: m?.ledger?.transfers.length ?? null,
      overrides: JSON.stringify(v.overrides),
      rollout_name: name,
      initial_message: messages.get(`${v.team}\u0000${v.variantId}`) ?? null,
      answer: m?.answer ?? null,
      judge_comment: m?.scores[0] ? (m.scores[0].comment ?? m.scores[0].error ?? null) : null,
      ...comments,
    }
  })
}

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** RFC 4180 CSV with a header of every key seen. */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  return [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n')
}

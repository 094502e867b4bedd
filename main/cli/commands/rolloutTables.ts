import { formatFixed, parseDecimal } from '../../engine/ledger/decimal'
import type { StackStore } from '../../engine/ports/stacks'
import { flattenOverrides } from '../../../preload/contract/rollouts'
import { agentFlows, ledgerFlows } from '../../engine/rollouts/ledgerFlows'
import { teamBest, teamBestText } from '../../engine/rollouts/ranking'
import type { RolloutRecord, VariantRecord } from '../../engine/rollouts/types'
import type { ConversationId } from '../../engine/schema/states'
import { pc, table } from '../output'
import { metricCells, namedMetrics } from './learningTables'

const money = (d: string | null | undefined): string => (d == null ? '–' : formatFixed(parseDecimal(d), 2))
const signed = (d: string): string => {
  const u = parseDecimal(d)
  return u > 0n ? pc.green(`+${formatFixed(u, 2)}`) : u < 0n ? pc.red(formatFixed(u, 2)) : '0.00'
}
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** Score cell: 3 decimals, green ≥ 0.8, yellow ≥ 0.3, red below; "(offline)" when the scripted judge gave it. */
export function scoreCell(v: VariantRecord, markOffline = true): string {
  if (v.status === 'failed') return pc.red('error')
  const m = v.metrics
  if (!m) return pc.dim(v.status)
  if (!m.scores.length) return pc.dim('–')
  return m.scores.map((s) => {
    if (s.score === null) return pc.red(`${s.evaluator}: error`)
    const txt = s.score.toFixed(3) + (s.spread !== undefined ? `±${(s.spread / 2).toFixed(2)}` : '') + (s.offline && markOffline ? pc.dim(' (offline)') : '')
    const col = s.score >= 0.8 ? pc.green : s.score >= 0.3 ? pc.yellow : pc.red
    return (m.scores.length > 1 ? `${s.evaluator}: ` : '') + col(txt)
  }).join('\n')
}

/** "Rollout Metrics (per variant)". */
export function metricsTable(variants: readonly VariantRecord[]): string {
  const ledger = variants.some((v) => v.metrics?.ledger)
  const named = namedMetrics(variants)
  // Only for rollouts that ran on scale-out workers: the worker that ran each variant.
  const workers = variants.some((v) => v.worker)
  const head = ['team', 'variant', ...(workers ? ['worker'] : []), 'score', ...named, 'tokens', 'judge tok', 'cost $', 'elapsed s', 'model s', 'tools', 'errors', ...(ledger ? ['final balance', 'net flow', 'tx'] : [])]
  // Offline results are said once (the report's ⚠ line); rows are marked only in a mixed table.
  const offline = variants.filter((v) => v.metrics?.usage.offline).length
  const mixed = offline > 0 && offline < variants.filter((v) => v.metrics).length
  const rows = variants.map((v) => {
    const m = v.metrics
    const errs = [...(v.error ? [v.error] : []), ...(m?.errors ?? []), ...(m?.scores.filter((s) => s.error).map((s) => `${s.evaluator}: ${s.error}`) ?? [])]
    return [
      v.team, v.variantId + (mixed && m?.usage.offline ? pc.dim(' (offline model)') : ''), ...(workers ? [v.worker ?? '–'] : []), scoreCell(v, mixed), ...metricCells(v, named),
      m ? m.usage.totalTokens.toLocaleString('en-US') : '–', m ? m.judgeUsage.totalTokens.toLocaleString('en-US') : '–',
      m ? m.usage.costUsd.toFixed(4) : '–', m ? (m.wallMs / 1000).toFixed(1) : '–', m ? (m.usage.modelMs / 1000).toFixed(1) : '–',
      m ? String(m.toolCalls) : '–', errs.length ? pc.red(cut(errs.join('; '), 60)) : '',
      ...(ledger ? [money(m?.ledger?.finalBalance), m?.ledger ? signed(m.ledger.netFlow) : '–', String(m?.ledger?.transfers.length ?? '–')] : []),
    ]
  })
  return table('Rollout Metrics (per variant)', head, rows)
}

/** "Variant Configuration": one column per flattened override key. */
export function configTable(variants: readonly VariantRecord[]): string {
  const flat = variants.map((v) => flattenOverrides(v.overrides))
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))]
  return table('Variant Configuration', ['team', 'variant', ...keys], variants.map((v, i) => [v.team, v.variantId, ...keys.map((k) => (flat[i]![k] === undefined ? '–' : cut(flat[i]![k]!, 25)))]))
}

/** "Team Aggregate": best variant (or a tie), sums, max wall time, the team's transfers and volume. */
export function teamTable(variants: readonly VariantRecord[]): string {
  const teams = [...new Set(variants.map((v) => v.team))]
  const money = variants.some((v) => v.metrics?.ledger?.transfers.length)
  const rows = teams.map((team) => {
    const vs = variants.filter((v) => v.team === team)
    const best = teamBest(vs)
    const flows = ledgerFlows(vs)
    return [
      team, `${vs.length} (${vs.filter((v) => v.status === 'failed').length} failed)`, best.kind === 'tie' ? pc.yellow(teamBestText(best)) : teamBestText(best),
      vs.reduce((s, v) => s + (v.metrics?.usage.totalTokens ?? 0), 0).toLocaleString('en-US'),
      vs.reduce((s, v) => s + (v.metrics?.usage.costUsd ?? 0), 0).toFixed(4),
      (Math.max(0, ...vs.map((v) => v.metrics?.wallMs ?? 0)) / 1000).toFixed(1),
      ...(money ? [String(flows.transfers), flows.volume] : []),
    ]
  })
  return table('Team Aggregate', ['team', 'variants', 'best score', 'tokens', 'cost $', 'wall-time (s)', ...(money ? ['transfers', 'volume'] : [])], rows)
}

/** Shown instead of the ledger tables of a rollout that ran with the ledger disabled. */
export const LEDGER_DISABLED_TABLES = 'Ledger: disabled for this rollout (LEDGER_ENABLED=false): no wallet tools, no transfers, no ledger figures.'

/** "Ledger flows (per variant)": what each variant's own transfers sent and received, per agent. */
export function flowsTable(variants: readonly VariantRecord[]): string {
  const rows = variants.flatMap((v) => agentFlows(v.metrics?.ledger?.transfers ?? []).map((f) => [
    v.team, v.variantId, f.agent, money(f.sent), money(f.received), signed(f.net),
  ]))
  if (!rows.length) return pc.dim('Ledger flows: no variant of this rollout moved money.')
  return table('Ledger flows (per variant)', ['team', 'variant', 'agent', 'sent', 'received', 'net'], rows)
}

/**
 * "Ledger State Changes": this rollout's own transfers (attributed by conversation, so other
 * rollouts and chats running at the same time never show up) and each agent's sent / received /
 * net over the whole rollout.
 */
export function ledgerTable(r: RolloutRecord, variants: readonly VariantRecord[]): string {
  if (!variants.some((v) => v.metrics?.ledger) && !r.ledgerBefore) return pc.dim('Ledger State Changes: no ledger figures (ledger unavailable or no variant finished)')
  const flows = ledgerFlows(variants)
  const system = table('Ledger State Changes (this rollout\'s transfers)', ['metric', 'value'], [
    ['transfers', flows.transfers],
    ['volume', money(flows.volume)],
    ['agents touched', flows.agents.length],
  ])
  const rows = flows.agents.map((f) => [f.agent, money(f.sent), money(f.received), signed(f.net)])
  return system + '\n' + (rows.length ? table('Wallet changes', ['agent', 'sent', 'received', 'net change'], rows) : pc.dim('No wallet changed.'))
}

/** "Flow / stack preview (last 15 steps)": the root agent's stack per variant. */
export function stackPreview(stacks: StackStore, variants: readonly VariantRecord[]): string {
  const out = [pc.bold('Flow / stack preview (last 15 steps)')]
  for (const v of variants) {
    const conv = v.conversationId ? stacks.findConversation(v.conversationId) : null
    out.push(pc.bold(`${v.team} / ${v.variantId}`))
    if (!conv) {
      out.push(pc.dim('  (not started)'))
      continue
    }
    const entries = stacks.read(conv.id as ConversationId, conv.rootAgent).slice(-15)
    for (const e of entries) {
      const s = e.state
      const text = 'text' in s ? s.text : 'content' in s ? (s.content ?? '') : s.kind === 'tool_call' ? `${s.name}(${JSON.stringify(s.arguments)})` : s.kind === 'tool_result' ? `${s.toolName} → ${s.status}` : ''
      out.push(`  ${String(e.index).padStart(3)}  ${s.kind.padEnd(17)} ${cut(String(text).replace(/\s+/g, ' '), 60)}`)
    }
  }
  return out.join('\n')
}

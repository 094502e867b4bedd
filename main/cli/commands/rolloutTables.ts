import { formatFixed, parseDecimal } from '../../engine/ledger/decimal'
import type { StackStore } from '../../engine/ports/stacks'
import { flattenOverrides } from '../../../preload/contract/rollouts'
import type { RolloutRecord, VariantRecord } from '../../engine/rollouts/types'
import type { ConversationId } from '../../engine/schema/states'
import { pc, table } from '../output'

const money = (d: string | null | undefined): string => (d == null ? '–' : formatFixed(parseDecimal(d), 2))
const signed = (d: string): string => {
  const u = parseDecimal(d)
  return u > 0n ? pc.green(`+${formatFixed(u, 2)}`) : u < 0n ? pc.red(formatFixed(u, 2)) : '0.00'
}
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** Score cell: 3 decimals, green ≥ 0.8, yellow ≥ 0.3, red below; "(offline)" when the scripted judge gave it. */
export function scoreCell(v: VariantRecord): string {
  if (v.status === 'failed') return pc.red('error')
  const m = v.metrics
  if (!m) return pc.dim(v.status)
  if (!m.scores.length) return pc.dim('–')
  return m.scores.map((s) => {
    if (s.score === null) return pc.red(`${s.evaluator}: error`)
    const txt = s.score.toFixed(3) + (s.spread !== undefined ? `±${(s.spread / 2).toFixed(2)}` : '') + (s.offline ? pc.dim(' (offline)') : '')
    const col = s.score >= 0.8 ? pc.green : s.score >= 0.3 ? pc.yellow : pc.red
    return (m.scores.length > 1 ? `${s.evaluator}: ` : '') + col(txt)
  }).join('\n')
}

/** "Rollout Metrics (per variant)". */
export function metricsTable(variants: readonly VariantRecord[]): string {
  const ledger = variants.some((v) => v.metrics?.ledger)
  const head = ['team', 'variant', 'score', 'tokens', 'judge tok', 'cost $', 'elapsed s', 'model s', 'tools', 'errors', ...(ledger ? ['final balance', 'net flow', 'tx'] : [])]
  const rows = variants.map((v) => {
    const m = v.metrics
    const errs = [...(v.error ? [v.error] : []), ...(m?.errors ?? []), ...(m?.scores.filter((s) => s.error).map((s) => `${s.evaluator}: ${s.error}`) ?? [])]
    return [
      v.team, v.variantId + (m?.usage.offline ? pc.dim(' (offline model)') : ''), scoreCell(v),
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

/** "Team Aggregate": best variant, sums, max wall time, paid out / received. */
export function teamTable(variants: readonly VariantRecord[]): string {
  const teams = [...new Set(variants.map((v) => v.team))]
  const flows = variants.some((v) => v.metrics?.ledger && parseDecimal(v.metrics.ledger.netFlow) !== 0n)
  const rows = teams.map((team) => {
    const vs = variants.filter((v) => v.team === team)
    const scored = vs.filter((v) => v.metrics?.score != null).sort((a, b) => b.metrics!.score! - a.metrics!.score!)
    const best = scored[0]
    let paid = 0n
    let received = 0n
    for (const v of vs) {
      const n = v.metrics?.ledger ? parseDecimal(v.metrics.ledger.netFlow) : 0n
      if (n > 0n) received += n
      else paid -= n
    }
    return [
      team, `${vs.length} (${vs.filter((v) => v.status === 'failed').length} failed)`, best ? `${best.metrics!.score!.toFixed(3)} (${best.variantId})` : '–',
      vs.reduce((s, v) => s + (v.metrics?.usage.totalTokens ?? 0), 0).toLocaleString('en-US'),
      vs.reduce((s, v) => s + (v.metrics?.usage.costUsd ?? 0), 0).toFixed(4),
      (Math.max(0, ...vs.map((v) => v.metrics?.wallMs ?? 0)) / 1000).toFixed(1),
      ...(flows ? [formatFixed(paid, 2), formatFixed(received, 2)] : []),
    ]
  })
  return table('Team Aggregate', ['team', 'variants', 'best score', 'tokens', 'cost $', 'wall-time (s)', ...(flows ? ['paid out', 'received'] : [])], rows)
}

/** "Ledger State Changes": system metrics and per-agent wallets before → after. */
export function ledgerTable(r: RolloutRecord): string {
  const b = r.ledgerBefore
  const a = r.ledgerAfter
  if (!b || !a) return pc.dim('Ledger State Changes: no snapshots (ledger unavailable or rollout unfinished)')
  const change = (x: string, y: string): string => signed(formatFixed(parseDecimal(y) - parseDecimal(x), 2))
  const system = table('Ledger State Changes', ['metric', 'before', 'after', 'change'], [
    ['wallets', b.metrics.walletCount, a.metrics.walletCount, a.metrics.walletCount - b.metrics.walletCount],
    ['total balance', money(b.metrics.totalBalance), money(a.metrics.totalBalance), change(b.metrics.totalBalance, a.metrics.totalBalance)],
    ['transactions', b.metrics.transactionCount, a.metrics.transactionCount, a.metrics.transactionCount - b.metrics.transactionCount],
    ['volume', money(b.metrics.totalVolume), money(a.metrics.totalVolume), change(b.metrics.totalVolume, a.metrics.totalVolume)],
  ])
  const before = new Map(b.wallets.map((w) => [w.agent, w.balance]))
  const rows = a.wallets
    .filter((w) => before.get(w.agent) !== w.balance)
    .map((w) => [w.agent, money(before.get(w.agent) ?? '0'), money(w.balance), change(before.get(w.agent) ?? '0', w.balance)])
  return system + '\n' + (rows.length ? table('Wallet changes', ['agent', 'before', 'after', 'change'], rows) : pc.dim('No wallet changed.'))
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

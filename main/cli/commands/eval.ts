import type { Command } from 'commander'
import { UserInputError } from '../../engine/errors'
import type { ArtifactStore } from '../../engine/ports/artifacts'
import { SqliteRolloutStore } from '../../storage/rollouts/sqliteRollouts'
import type { CliContext } from '../context'
import { paragraph, pc, table, toJson } from '../output'
import type { Wrap } from '../program'
import { intOption } from './options'

interface Ranked { id: string; label: string; score: number; evaluations: number; offline: boolean }

/** The value of `metric` on an evaluation: header score for `score`, else `meta.eval_metrics[metric]`. */
function metricOf(artifacts: ArtifactStore, ref: string, metric: string): number | null {
  const h = artifacts.get(ref).header
  if (metric === 'score') return h.score
  const m = (h.meta.eval_metrics ?? {}) as Record<string, unknown>
  return typeof m[metric] === 'number' ? (m[metric] as number) : null
}

/** Branches of a conversation with evaluations, scored by the mean of `metric`; `known` collects every metric seen. */
function rankBranches(artifacts: ArtifactStore, sessionId: string, metric: string, known: Set<string>): Ranked[] {
  const groups = new Map<string, { values: number[]; n: number; offline: boolean }>()
  for (const h of artifacts.query({ sessionId, type: 'evaluation', limit: 10_000 })) {
    known.add('score')
    for (const k of Object.keys((h.meta.eval_metrics ?? {}) as Record<string, unknown>)) known.add(k)
    const g = groups.get(h.branchId) ?? { values: [], n: 0, offline: false }
    g.n++
    g.offline ||= h.tags.includes('offline')
    const v = metricOf(artifacts, h.ref, metric)
    if (v !== null) g.values.push(v)
    groups.set(h.branchId, g)
  }
  return [...groups.entries()].map(([branch, g]) => ({
    id: branch, label: branch, score: g.values.length ? g.values.reduce((a, b) => a + b, 0) / g.values.length : 0, evaluations: g.n, offline: g.offline,
  }))
}

/** `p2engine eval …`: rank judged branches or rollout variants, diff evaluations. */
export function registerEvalCommands(program: Command, wrap: Wrap): void {
  const ev = program.command('eval').description('evaluation results: top branches of a conversation or variants of a rollout, diffs')

  ev
    .command('top <target>')
    .description('conversation (name or id) → its judged branches; rollout id → its variants; best first')
    .option('-k, --k <n>', 'how many to show', intOption('--k'), 20)
    .option('-m, --metric <name>', 'any metric the evaluators emit (score, has_comment, spread, …)', 'score')
    .option('--json', 'print JSON')
    .action(wrap((ctx: CliContext, target: string, o: { k: number; metric: string; json?: boolean }) => {
      const { artifacts, stacks } = ctx.engine.deps
      const rollouts = new SqliteRolloutStore(ctx.store)
      const rollout = rollouts.find(target)
      let ranked: Ranked[]
      let title: string
      const known = new Set<string>()
      if (rollout) {
        title = `Top variants for rollout ${rollout.id} (metric=${o.metric})`
        ranked = rollouts.variants(rollout.id).filter((v) => v.conversationId).flatMap((v) => {
          const r = rankBranches(artifacts, v.conversationId!, o.metric, known)
          // Feedback rounds are branches of the variant's conversation: one row each.
          const round = new Map((v.metrics?.rounds ?? []).map((x) => [x.branchId, x.round]))
          return r.map((b) => ({ ...b, id: v.conversationId!, label: `${v.team}/${v.variantId}${r.length > 1 ? ` ${round.has(b.id) ? `round ${round.get(b.id)}` : `branch ${b.id}`}` : ''}` }))
        })
      } else {
        const conv = stacks.findConversation(target)
        if (!conv) throw new UserInputError(`no conversation or rollout "${target}" (see \`p2engine rollout list\`)`, 'NOT_FOUND')
        title = `Top branches for session ${conv.id} (metric=${o.metric})`
        ranked = rankBranches(artifacts, conv.id, o.metric, known)
      }
      // A metric no evaluation emitted would rank everything 0.000: say which ones exist instead.
      if (known.size && !known.has(o.metric)) {
        const names = ['score', ...[...known].filter((k) => k !== 'score').sort()]
        throw new UserInputError(`unknown metric "${o.metric}" for ${rollout ? `rollout ${rollout.id}` : `session ${target}`}; known metrics: ${names.join(', ')}`, 'UNKNOWN_METRIC')
      }
      ranked.sort((a, b) => b.score - a.score)
      const top = ranked.slice(0, o.k)
      if (o.json) return ctx.io.out(toJson(top))
      if (!top.length) return ctx.io.out(`No evaluations for ${rollout ? 'rollout' : 'session'} ${target}`)
      // "offline" once: in the title when every score is from the offline judge, else on those rows.
      const allOffline = top.every((r) => r.offline)
      ctx.io.out(table(title + (allOffline ? ' · offline judge' : ''), [rollout ? 'Variant' : 'Branch ID', 'Score', 'Evaluations', ...(rollout ? ['Conversation'] : [])], top.map((r) => [
        r.label, r.score.toFixed(3) + (r.offline && !allOffline ? pc.dim(' (offline)') : ''), r.evaluations, ...(rollout ? [r.id] : []),
      ])))
      // The first row is not "the best" when others share its score.
      const tied = ranked.filter((r) => Math.abs(r.score - ranked[0]!.score) <= 1e-9)
      if (tied.length > 1) ctx.io.out(pc.yellow(paragraph(`Tie: ${tied.length} ${rollout ? 'variants' : 'branches'} share the top score ${ranked[0]!.score.toFixed(3)} (${tied.map((r) => r.label).join(', ')}).`)))
    }))

  ev
    .command('diff <ref1> <ref2>')
    .description('unified diff of two evaluation artifacts (score, metrics, comment, versions)')
    .action(wrap((ctx: CliContext, ref1: string, ref2: string) => {
      const { artifacts } = ctx.engine.deps
      for (const ref of [ref1, ref2]) {
        if (artifacts.get(ref).header.type !== 'evaluation') throw new UserInputError(`artifact ${ref} is not an evaluation`, 'NOT_AN_EVALUATION')
      }
      const d = artifacts.diff(ref1, ref2)
      ctx.io.out(d === '' ? 'The evaluations are identical.' : d.split('\n').map((l) => (l.startsWith('+') ? pc.green(l) : l.startsWith('-') ? pc.red(l) : l)).join('\n'))
    }))
}

import type { ArtifactStore } from '../../engine/ports/artifacts'
import { conversationUsage } from '../../engine/rollouts/measure'
import type { RolloutRepository } from '../../engine/rollouts/repository'
import type { VariantRecord } from '../../engine/rollouts/types'
import type { Output } from '../output'
import { pc } from '../output'

const BAR = 24
const bar = (done: number, failed: number, running: number, total: number): string => {
  const w = (n: number) => Math.round((n / Math.max(1, total)) * BAR)
  const d = w(done), f = w(failed), r = Math.min(BAR - d - f, w(running))
  return pc.green('█'.repeat(d)) + pc.red('█'.repeat(f)) + pc.yellow('▒'.repeat(Math.max(0, r))) + pc.dim('░'.repeat(Math.max(0, BAR - d - f - r)))
}

/** The live view: one bar per team (done/running/failed, tokens and cost so far), then each variant's status. */
export function progressView(variants: readonly VariantRecord[], artifacts: ArtifactStore, startedAt: number): string[] {
  const usage = (v: VariantRecord) => v.metrics?.usage ?? (v.conversationId ? conversationUsage(artifacts, v.conversationId).model : null)
  const lines = [pc.bold(`Running variants… ${variants.filter((v) => v.status === 'done' || v.status === 'failed').length}/${variants.length}  ${((Date.now() - startedAt) / 1000).toFixed(1)} s`)]
  for (const team of [...new Set(variants.map((v) => v.team))]) {
    const vs = variants.filter((v) => v.team === team)
    const n = (s: VariantRecord['status']) => vs.filter((v) => v.status === s).length
    const us = vs.map(usage)
    const tokens = us.reduce((s, u) => s + (u?.totalTokens ?? 0), 0)
    const cost = us.reduce((s, u) => s + (u?.costUsd ?? 0), 0)
    lines.push(`${team.padEnd(22)} ${bar(n('done'), n('failed'), n('running'), vs.length)} ${n('done')} done, ${n('running')} running, ${n('failed')} failed · ${tokens.toLocaleString('en-US')} tok · $${cost.toFixed(4)}`)
    for (const v of vs) lines.push(`  ${v.variantId.padEnd(24)} ${statusText(v)}`)
  }
  return lines
}

export function statusText(v: VariantRecord): string {
  if (v.status === 'done') {
    const s = v.metrics?.score
    return pc.green('done') + (s != null ? ` score ${s.toFixed(3)}` : '') + (v.metrics ? ` · ${v.metrics.usage.totalTokens} tok` : '') + (v.metrics?.usage.offline ? pc.dim(' (offline)') : '')
  }
  if (v.status === 'failed') return pc.red(`failed: ${v.error ?? ''}`)
  return v.status === 'running' ? pc.yellow('running') : pc.dim('queued')
}

/**
 * Follows a running rollout until `done` resolves: on a TTY redraws the live view every 250 ms;
 * otherwise prints one line per variant state change.
 */
export async function follow(o: { repo: RolloutRepository; artifacts: ArtifactStore; rolloutId: string; io: Output; tty: boolean; done: Promise<unknown> }): Promise<void> {
  const startedAt = Date.now()
  const seen = new Map<string, string>()
  let drawn = 0
  let finished = false
  void o.done.finally(() => { finished = true })
  for (;;) {
    const variants = o.repo.variants(o.rolloutId)
    if (o.tty) {
      const lines = progressView(variants, o.artifacts, startedAt)
      process.stdout.write((drawn ? `\x1b[${drawn}A\x1b[J` : '') + lines.join('\n') + '\n')
      drawn = lines.length
    } else {
      for (const v of variants) {
        const key = `${v.team}/${v.variantId}`
        if (seen.get(key) === v.status) continue
        seen.set(key, v.status)
        if (v.status !== 'queued') o.io.out(`[${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${key} ${statusText(v)}`)
      }
    }
    if (finished) return
    await Promise.race([o.done.catch(() => {}), new Promise((r) => setTimeout(r, 250))])
  }
}

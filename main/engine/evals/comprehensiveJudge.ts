import { z } from 'zod'
import { ProviderError } from '../errors'
import type { ChatMessage } from '../ports/model'
import type { TeamEval } from '../schema/rollout'
import { defineEvaluator } from './defineEvaluator'
import { JUDGE, judgeSystemPrompt, resolveRubric, toJudgeMessage } from './judge'
import type { EvalContext, EvalInput, EvalResult } from './types'

/**
 * `comprehensive_judge`: an LLM judge that scores each metric named in `eval.metrics` (0–1 each)
 * and returns the weighted total as `score`, the weights read from the rubric's weighted lines
 * (`- Solution correctness (0.4)`). Its comment is a critique (what to improve), which the
 * feedback loop hands back to the agent.
 */

export const COMPREHENSIVE_JUDGE = { id: 'comprehensive_judge', version: '1.0', promptVersion: 'cj-1.0' } as const

/** First line of the per-metric instructions (the offline judge recognises it). */
export const PER_METRIC_MARKER = 'Score each metric separately'

/** A rubric line with a weight: bullet or number, text, `(0.4)` at the end. */
const WEIGHTED_LINE = /^\s*(?:[-*•]|\d+[.)])\s+(.*?)\s*\(\s*(\d*\.?\d+)\s*\)\s*$/

export interface RubricWeights {
  /** Metric → weight, summing to 1. */
  weights: Record<string, number>
  /** Metric → the rubric line it was matched with (absent: equal weights). */
  lines: Record<string, string>
}

/**
 * The weight of each metric from the rubric's weighted lines. A line naming a metric (`Solution
 * correctness (0.4)` → `correctness`, underscores read as spaces) goes to it; the other lines go
 * to the other metrics in order (`Effective delegation (0.3)` → `collaboration`, the third
 * metric). No weighted line: equal weights. Weights are scaled to sum to 1.
 * @throws Error when the counts differ or a weight is not positive.
 */
export function rubricWeights(rubric: string, metrics: readonly string[]): RubricWeights {
  const lines = rubric.split('\n').map((l) => WEIGHTED_LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null)
  if (!lines.length) return { weights: Object.fromEntries(metrics.map((m) => [m, 1 / metrics.length])), lines: {} }
  if (lines.length !== metrics.length) {
    throw new Error(`the rubric has ${lines.length} weighted line${lines.length === 1 ? '' : 's'} but eval.metrics names ${metrics.length} metric${metrics.length === 1 ? '' : 's'} (${metrics.join(', ')}); give one "(weight)" line per metric, in the same order`)
  }
  const owner = new Map<number, string>()
  for (const m of metrics) {
    const needle = m.toLowerCase().replace(/[_-]/g, ' ')
    const i = lines.findIndex((l, j) => !owner.has(j) && l[1]!.toLowerCase().includes(needle))
    if (i >= 0) owner.set(i, m)
  }
  const rest = metrics.filter((m) => ![...owner.values()].includes(m))
  lines.forEach((_, j) => { if (!owner.has(j)) owner.set(j, rest.shift()!) })
  const raw = lines.map((l, j) => [owner.get(j)!, Number(l[2]), l[1]!.trim()] as const)
  const bad = raw.find(([, w]) => !(w > 0))
  if (bad) throw new Error(`rubric line "${bad[2]}" has weight ${bad[1]}; expected a weight above 0`)
  const total = raw.reduce((s, [, w]) => s + w, 0)
  return { weights: Object.fromEntries(raw.map(([m, w]) => [m, w / total])), lines: Object.fromEntries(raw.map(([m, , t]) => [m, t])) }
}

/** Problems of a `comprehensive_judge` entry, before anything runs. */
function check(spec: TeamEval): string[] {
  if (!spec.metrics) return ['eval.metrics is required: the list of metrics to score, e.g. ["correctness", "efficiency"]']
  // A one-line rubric is a rubric id: its file is read (and checked) when the judge runs.
  if (!spec.rubric?.includes('\n')) return []
  try {
    rubricWeights(spec.rubric, spec.metrics)
    return []
  } catch (err) {
    return [(err as Error).message]
  }
}

/** The per-metric instructions appended to judge_prompt.j2. */
export function perMetricInstructions(metrics: readonly string[], weights: Record<string, number>): string {
  const example = `{"metrics": {${metrics.map((m) => `"${m}": <float between 0.0 and 1.0>`).join(', ')}}, "comment": "<critique: what the answer gets wrong or misses, and how to improve it>"}`
  return [
    `${PER_METRIC_MARKER} (each a float between 0.0 and 1.0; 0 = totally wrong / useless, 1 = perfect).`,
    `Metrics: ${metrics.join(', ')}`,
    `Weights: ${metrics.map((m) => `${m} ${weights[m]!.toFixed(2)}`).join(', ')}`,
    `Instead of a single score, return ONLY this JSON object, nothing else:`,
    example,
  ].join('\n')
}

/** The judge's reply: every metric in [0, 1], an optional comment. */
export function parsePerMetricReply(raw: string, metrics: readonly string[]): { metrics: Record<string, number>; comment: string } {
  const text = (/```(?:json)?\s*([\s\S]*?)```/.exec(raw)?.[1] ?? raw).trim()
  const shape = z.object({ metrics: z.object(Object.fromEntries(metrics.map((m) => [m, z.number().min(0).max(1)]))), comment: z.string().optional() })
  const r = shape.parse(JSON.parse(text))
  return { metrics: r.metrics as Record<string, number>, comment: r.comment ?? '' }
}

const issueText = (err: unknown) => (err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : String((err as Error).message))

export const comprehensiveJudge = defineEvaluator({
  id: COMPREHENSIVE_JUDGE.id,
  version: COMPREHENSIVE_JUDGE.version,
  check,
  async run(input: EvalInput, ctx: EvalContext): Promise<EvalResult> {
    const names = ctx.spec.metrics
    if (!names) throw new Error(check(ctx.spec)[0])
    if (!input.answer) throw new Error('the conversation has no final answer to judge')
    const rubric = resolveRubric(ctx.configDir, ctx.spec.rubric)
    const { weights } = rubricWeights(rubric.text, names)
    const system = `${judgeSystemPrompt(ctx.configDir, rubric.text, input.traj)}\n\n${perMetricInstructions(names, weights)}`
    const convo: ChatMessage[] = [{ role: 'system', content: system }, ...input.traj.map(toJudgeMessage)]
    const model = ctx.spec.model ?? JUDGE.defaultModel
    let lastRaw = ''
    let lastError = ''
    for (let attempt = 1; attempt <= JUDGE.attempts; attempt++) {
      const r = await ctx.models(model).complete({ model, messages: convo, temperature: JUDGE.temperature, seed: 0 }, ctx.signal ? { signal: ctx.signal } : {})
      ctx.onModelCall?.({ model: r.model, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens, costUsd: r.costUsd, latencyMs: r.latencyMs, offline: r.offline })
      lastRaw = r.message.content
      try {
        const parsed = parsePerMetricReply(lastRaw, names)
        const score = names.reduce((s, m) => s + parsed.metrics[m]! * weights[m]!, 0)
        return { score, metrics: parsed.metrics, comment: parsed.comment, offline: r.offline, judgeModel: model, promptVersion: COMPREHENSIVE_JUDGE.promptVersion }
      } catch (err) {
        lastError = issueText(err)
        convo.push({ role: 'assistant', content: lastRaw })
        convo.push({ role: 'system', content: `Your previous answer was not valid JSON matching the required format. Reply with ONLY the JSON object {"metrics": {${names.map((m) => `"${m}": <float>`).join(', ')}}, "comment": "..."} and nothing else.` })
      }
    }
    throw new ProviderError(`Judge returned invalid JSON after ${JUDGE.attempts} attempts: ${lastError}; last reply: ${lastRaw.slice(0, 200)}`, 'JUDGE_INVALID_JSON')
  },
})

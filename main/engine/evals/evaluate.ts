import { messageOf } from '../errors'
import type { ArtifactStore } from '../ports/artifacts'
import type { ArtifactRef } from '../schema/artifacts'
import type { Provenance } from '../schema/artifacts'
import type { EvalScore } from '../rollouts/types'
import type { TeamEval } from '../schema/rollout'
import type { EvaluatorRegistry } from './registry'
import type { EvalContext, EvalInput, JudgeCall } from './types'

export interface EvaluateOptions {
  registry: EvaluatorRegistry
  artifacts: ArtifactStore
  configDir: string
  models: EvalContext['models']
  /** The judged conversation's root branch and answer artifact (the evaluation's parent). */
  branchId: string
  answerRef: string | null
  provenance?: Provenance
  /** `--samples K`: overrides every judge's `samples`. */
  samples?: number
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms) })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/**
 * Runs each evaluator of a team on a finished conversation and stores one `evaluation` artifact
 * per evaluator (parent: the judged answer), judge model calls as `metrics` artifacts with role
 * `judge_call`. A failing evaluator yields a score cell with `error`, never an exception.
 */
export async function evaluate(input: EvalInput, specs: readonly TeamEval[], o: EvaluateOptions): Promise<EvalScore[]> {
  const out: EvalScore[] = []
  for (const spec0 of specs) {
    const spec = o.samples && spec0.evaluator_id === 'gpt4_judge' ? { ...spec0, samples: o.samples } : spec0
    const calls: JudgeCall[] = []
    // Every judge call is made for the judged conversation (its recordings travel in its bundles).
    const models: EvalContext['models'] = (id) => {
      const p = o.models(id)
      return { label: p.label, complete: (request, options) => p.complete(request, { ...options, conversationId: input.conversationId }) }
    }
    const ctx: EvalContext = { configDir: o.configDir, spec, models, onModelCall: (c) => calls.push(c) }
    let cell: EvalScore
    try {
      const evaluator = o.registry.get(spec.evaluator_id)
      if (!input.answer && spec.evaluator_id === 'gpt4_judge') throw new Error('the conversation has no final answer to judge')
      const r = await withTimeout(Promise.resolve(evaluator.run(input, ctx)), spec.timeout_sec * 1000, `evaluator ${evaluator.id}`)
      const metrics: Record<string, number> = { score: r.score, ...r.metrics }
      const value = metrics[spec.metric]
      cell = {
        evaluator: evaluator.id,
        version: spec.judge_version ?? evaluator.version,
        metric: spec.metric,
        score: value ?? null,
        metrics,
        ...(spec.metrics ? { metricNames: [...spec.metrics] } : {}),
        offline: r.offline ?? false,
        ...(r.samples ? { samples: r.samples, spread: r.spread ?? 0 } : {}),
        ...(r.comment ? { comment: r.comment } : {}),
        ...(r.judgeModel ? { judgeModel: r.judgeModel } : {}),
        ...(r.promptVersion ? { promptVersion: r.promptVersion } : {}),
        ...(value === undefined ? { error: `evaluator ${evaluator.id} emitted no metric "${spec.metric}" (it emitted: ${Object.keys(metrics).join(', ')})` } : {}),
      }
    } catch (err) {
      cell = { evaluator: spec.evaluator_id, version: spec.judge_version ?? '', metric: spec.metric, score: null, metrics: {}, offline: calls.some((c) => c.offline), error: messageOf(err) }
    }
    for (const c of calls) {
      o.artifacts.record({
        type: 'metrics', sessionId: input.conversationId, agentId: spec.evaluator_id, branchId: o.branchId, role: 'judge_call',
        payload: { ...c, replayed: false }, tags: ['judge_call', c.model, ...(c.offline ? ['offline'] : [])], ...(o.provenance ? { provenance: o.provenance } : {}),
      })
    }
    const h = o.artifacts.record({
      type: 'evaluation', sessionId: input.conversationId, agentId: spec.evaluator_id, branchId: o.branchId, role: 'evaluation',
      payload: { ...cell, judged_agent: input.agentId, answer: input.answer },
      parentRefs: o.answerRef ? [o.answerRef as ArtifactRef] : [],
      tags: ['evaluation', spec.evaluator_id, ...(cell.offline ? ['offline'] : []), ...(cell.error ? ['error'] : [])],
      meta: { status: cell.error ? 'error' : 'finished', evaluator_id: cell.evaluator, judge_version: cell.version, metric: spec.metric, eval_metrics: cell.metrics, ...(cell.error ? { error: cell.error } : {}) },
      score: cell.score,
      ...(o.provenance ? { provenance: o.provenance } : {}),
    })
    out.push({ ...cell, ref: h.ref })
  }
  return out
}

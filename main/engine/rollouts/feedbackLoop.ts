import type { EvalInput } from '../evals/types'
import type { Engine } from '../runtime/engine'
import { DEFAULT_MAX_ROUNDS, type TeamEval } from '../schema/rollout'
import type { AgentId, BranchId, ConversationId } from '../schema/states'
import { conversationFacts, conversationUsage, type ConversationFacts } from './measure'
import type { EvalScore, FeedbackRound } from './types'

/**
 * The learning rollout's feedback loop (`eval.feedback_loop: true`): after a variant's answer is
 * judged, the judge's critique goes back to the same agent as a reflection message on a NEW
 * BRANCH of the same conversation (forked right after the judged answer), the agent answers
 * again and every evaluator of the team judges the new answer, until the feedback evaluator's
 * score reaches `target_score` or `max_rounds` answers were judged.
 */

export interface FeedbackLoopOptions {
  engine: Engine
  conversationId: string
  /** The evaluator driving the loop (its score decides the target, its comment is the critique). */
  spec: TeamEval
  /** Round 1: the facts and scores of the first answer. */
  facts: ConversationFacts
  scores: EvalScore[]
  /** Judges one answer (all the team's evaluators), like the first round. */
  judge: (input: EvalInput, facts: ConversationFacts) => Promise<EvalScore[]>
  /** Resolves when the conversation is idle (rejects when the variant is aborted). */
  idle: () => Promise<void>
  started: number
}

export interface FeedbackLoopResult {
  rounds: FeedbackRound[]
  /** The last round's facts and scores (what the variant's row shows). */
  facts: ConversationFacts
  scores: EvalScore[]
}

/** The evaluator of a team that drives the loop, if any. */
export const feedbackSpecOf = (specs: readonly TeamEval[]): TeamEval | undefined => specs.find((s) => s.feedback_loop === true)

/** The message the agent gets before answering again. */
export function reflectionMessage(r: FeedbackRound, spec: TeamEval): string {
  const max = spec.max_rounds ?? DEFAULT_MAX_ROUNDS
  const target = spec.target_score !== undefined ? ` (target ${spec.target_score.toFixed(2)})` : ''
  const per = Object.entries(r.metrics).filter(([k]) => k !== 'score' && (spec.metrics ?? []).includes(k))
  return [
    `Feedback on your previous answer (round ${r.round} of ${max}): score ${r.score === null ? 'n/a' : r.score.toFixed(2)}${target}.`,
    ...(per.length ? [`Per metric: ${per.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.`] : []),
    `Judge's critique: ${r.comment?.trim() || '(none given)'}`,
    'Reflect on this critique and answer the original request again, in full, fixing what it points out.',
  ].join('\n')
}

export const evalInputOf = (engine: Engine, conversationId: string, facts: ConversationFacts, started: number): EvalInput => {
  const { model } = conversationUsage(engine.deps.artifacts, conversationId)
  return {
    conversationId, agentId: facts.rootAgent, answer: facts.answer ?? '', traj: facts.traj, toolCalls: facts.toolCalls, transfers: facts.transfers,
    costUsd: model.costUsd, totalTokens: model.totalTokens, wallMs: Math.max(facts.lastTs - facts.firstTs, Date.now() - started), modelMs: model.modelMs,
  }
}

const roundOf = (round: number, facts: ConversationFacts, cell: EvalScore | undefined): FeedbackRound => ({
  round, branchId: facts.rootBranch, score: cell?.score ?? null, metrics: cell?.metrics ?? {},
  ...(cell?.comment ? { comment: cell.comment } : {}), ...(cell?.ref ? { ref: cell.ref } : {}), answer: facts.answer,
})

/** Runs the loop from the first judged answer; see the module comment. */
export async function runFeedbackLoop(o: FeedbackLoopOptions): Promise<FeedbackLoopResult> {
  const { engine, spec } = o
  const { stacks } = engine.deps
  const max = spec.max_rounds ?? DEFAULT_MAX_ROUNDS
  const cellOf = (scores: EvalScore[]) => scores.find((s) => s.evaluator === spec.evaluator_id && s.metric === spec.metric)
  let facts = o.facts
  let scores = o.scores
  const rounds = [roundOf(1, facts, cellOf(scores))]
  for (;;) {
    const last = rounds[rounds.length - 1]!
    const reached = spec.target_score !== undefined && last.score !== null && last.score >= spec.target_score
    // No score or no answer: nothing to reflect on (the failure is the last round's cell).
    if (reached || rounds.length >= max || last.score === null || !facts.answerRef) break
    const at = facts.rootEntries.find((e) => e.ref === facts.answerRef)
    if (!at) break
    const conv = stacks.getConversation(o.conversationId)
    stacks.fork(conv.id as ConversationId, conv.rootAgent as AgentId, facts.rootBranch as BranchId, at.index)
    engine.send(o.conversationId, reflectionMessage(last, spec))
    await o.idle()
    facts = conversationFacts(stacks, o.conversationId)
    scores = await o.judge(evalInputOf(engine, o.conversationId, facts, o.started), facts)
    rounds.push(roundOf(rounds.length + 1, facts, cellOf(scores)))
  }
  return { rounds, facts, scores }
}

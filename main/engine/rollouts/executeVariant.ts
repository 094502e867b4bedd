import { evaluate } from '../evals/evaluate'
import type { EvaluatorRegistry } from '../evals/registry'
import { formatFixed, parseDecimal } from '../ledger/decimal'
import type { LedgerClient } from '../ports/ledger'
import type { Engine } from '../runtime/engine'
import { AgentOverridesSchema, OVERRIDE_KEYS } from '../schema/overrides'
import { evalsOf, type ExpandedVariant } from '../schema/rollout'
import { isSyntheticMarker } from '../schema/states'
import type { EvalInput } from '../evals/types'
import { evalInputOf, feedbackSpecOf, runFeedbackLoop } from './feedbackLoop'
import { conversationFacts, conversationUsage, usageSince, walletChanges, type ConversationFacts } from './measure'
import { variantConversationId, type VariantLedger, type VariantMetrics } from './types'

export interface ExecuteVariantOptions {
  engine: Engine
  ledger?: LedgerClient
  evaluators: EvaluatorRegistry
  configDir: string
  rolloutId: string
  variant: ExpandedVariant
  samples?: number
  /** W3C traceparent of the variant's span (from the runner's thread): the conversation's turns join it. */
  traceparent?: string
  signal?: AbortSignal
  /** Called once the conversation exists (before the first model call). */
  onStarted?: (conversationId: string) => void
  /** Called when the evaluators are done, before the row is measured (crash-safety tests). */
  afterEvaluate?: () => void | Promise<void>
  /** Called when the conversation is idle and the evaluators start (live "judging" phase). */
  onJudging?: () => void
}

/** The variant's overrides for its root agent: only the keys an agent honours, validated. */
export function variantOverrides(variant: ExpandedVariant) {
  const picked = Object.fromEntries(OVERRIDE_KEYS.filter((k) => variant.overrides[k] !== undefined).map((k) => [k, variant.overrides[k]]))
  return AgentOverridesSchema.parse(picked)
}

/** Rejects with the signal's reason once it aborts (never settles without a signal). */
export const aborted = (signal: AbortSignal | undefined): Promise<never> =>
  new Promise((_, reject) => {
    if (!signal) return
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error('variant aborted'))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })

/**
 * Runs one variant to its end: conversation `rollout:<rollout>:<team>:<variant>` with the
 * variant's overrides on the root, the initial message (sent once: a resumed conversation that
 * already has it continues from its stored stacks), then every evaluator of the team.
 */
export async function executeVariant(o: ExecuteVariantOptions): Promise<VariantMetrics> {
  const { engine, variant } = o
  const { stacks, artifacts, overrides } = engine.deps
  const conversationId = variantConversationId(o.rolloutId, variant.teamId, variant.id)
  const started = Date.now()
  let conv = stacks.findConversation(conversationId)
  if (!conv) {
    conv = engine.startConversation({
      agentId: variant.agentId, id: conversationId, name: conversationId,
      metadata: { rolloutId: o.rolloutId, team: variant.teamId, variant: variant.id, finishOnAnswer: true, seed: variant.index },
    })
    overrides.replace(conversationId, variant.agentId, variantOverrides(variant))
  }
  engine.tracing.setParent(conversationId, o.traceparent)
  o.onStarted?.(conversationId)
  const sent = stacks.read(conv.id, conv.rootAgent).some((e) => e.state.kind === 'user_message' && !isSyntheticMarker(e.state))
  if (sent) engine.resume(conversationId)
  else engine.send(conversationId, variant.initialMessage)
  await Promise.race([engine.whenIdle(conversationId), aborted(o.signal)])

  const first = conversationFacts(stacks, conversationId)
  const firstWallMs = Math.max(first.lastTs - first.firstTs, Date.now() - started)
  const { judge: judgedBefore } = conversationUsage(artifacts, conversationId)
  o.onJudging?.()
  const specs = evalsOf(variant.eval)
  const judge = (input: EvalInput, f: ConversationFacts) => evaluate(input, specs, {
    registry: o.evaluators, artifacts, configDir: o.configDir, models: engine.deps.models, branchId: f.rootBranch, answerRef: f.answerRef,
    provenance: { rolloutId: o.rolloutId, teamId: variant.teamId, variantId: variant.id, sample: variant.index },
    ...(o.samples ? { samples: o.samples } : {}),
  })
  const firstScores = await judge(evalInputOf(engine, conversationId, first, started), first)
  const loopSpec = feedbackSpecOf(specs)
  const loop = loopSpec
    ? await runFeedbackLoop({
      engine, conversationId, spec: loopSpec, facts: first, scores: firstScores, judge, started,
      idle: () => Promise.race([engine.whenIdle(conversationId), aborted(o.signal)]),
    })
    : null
  const facts = loop?.facts ?? first
  const scores = loop?.scores ?? firstScores
  // The conversation's time (judging excluded, feedback rounds included).
  const wallMs = loop ? Math.max(facts.lastTs - facts.firstTs, firstWallMs) : firstWallMs
  await o.afterEvaluate?.()
  const usage = conversationUsage(artifacts, conversationId)
  let ledger: VariantLedger | null = null
  if (o.ledger) {
    const agent = facts.rootAgent
    const wallet = await o.ledger.getWallet(agent)
    const net = facts.transfers.reduce((s, t) => s + (t.to === agent ? parseDecimal(t.amount) : 0n) - (t.from === agent ? parseDecimal(t.amount) : 0n), 0n)
    ledger = { agent, finalBalance: wallet?.balance ?? null, netFlow: formatFixed(net, 2), transfers: facts.transfers, walletChanges: walletChanges(facts.transfers) }
  }
  return {
    conversationId,
    agentId: facts.rootAgent,
    answer: facts.answer,
    answerRef: facts.answerRef,
    scores,
    score: scores[0]?.score ?? null,
    usage: usage.model,
    // Only this run's judge calls: a resumed variant that had been judged before its process
    // died is judged again, and those scores are the ones shown.
    judgeUsage: usageSince(usage.judge, judgedBefore),
    wallMs,
    toolCalls: facts.toolCalls.length,
    toolErrors: facts.toolCalls.filter((c) => c.status === 'error').length,
    errors: [...facts.errors, ...(facts.answer === null ? ['no final answer from the root agent'] : [])],
    ledger,
    ...(loop ? { rounds: loop.rounds } : {}),
  }
}

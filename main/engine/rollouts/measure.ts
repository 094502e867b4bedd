import { formatFixed, parseDecimal } from '../ledger/decimal'
import type { ArtifactStore } from '../ports/artifacts'
import type { StackStore } from '../ports/stacks'
import type { ConversationId, StackEntry } from '../schema/states'
import { renderForModel, type ChatMessage as WireMessage } from '../stacks/render'
import type { TransferSummary, Usage } from './types'

/** What a finished conversation contains, for rows and evaluators. */
export interface ConversationFacts {
  rootAgent: string
  rootBranch: string
  rootEntries: StackEntry[]
  answer: string | null
  answerRef: string | null
  traj: WireMessage[]
  toolCalls: { name: string; arguments: unknown; status: 'ok' | 'error'; reward: number | null }[]
  transfers: TransferSummary[]
  errors: string[]
  /** First and last entry time over every agent (epoch ms). */
  firstTs: number
  lastTs: number
}

const TRANSFER_TOOLS = new Set(['transfer_funds', 'reward_agent'])

/** The facts of a conversation: every agent's checked-out branch (children included). */
export function conversationFacts(stacks: StackStore, conversationId: string): ConversationFacts {
  const conv = stacks.getConversation(conversationId)
  const id = conv.id as ConversationId
  const rootBranch = stacks.currentBranch(id, conv.rootAgent)
  const rootEntries = stacks.read(id, conv.rootAgent, rootBranch)
  const toolCalls: ConversationFacts['toolCalls'] = []
  const transfers = new Map<string, TransferSummary>()
  const errors: string[] = []
  let firstTs = Infinity
  let lastTs = 0
  for (const agent of stacks.agentsOf(id)) {
    const entries = agent === conv.rootAgent ? rootEntries : stacks.read(id, agent, stacks.currentBranch(id, agent))
    const args = new Map<string, unknown>()
    for (const e of entries) {
      firstTs = Math.min(firstTs, e.ts)
      lastTs = Math.max(lastTs, e.ts)
      const s = e.state
      if (s.kind === 'tool_call') args.set(s.id, s.arguments)
      if (s.kind === 'assistant_message' && s.meta && typeof s.meta === 'object' && 'error' in s.meta) {
        const err = (s.meta as { error?: { code?: string; message?: string } }).error
        errors.push(`${agent}: ${err?.code ?? 'ERROR'}${err?.message ? `: ${err.message}` : ''}`)
      }
      if (s.kind !== 'tool_result') continue
      toolCalls.push({ name: s.toolName, arguments: args.get(s.toolCallId) ?? s.arguments, status: s.status, reward: s.reward })
      if (s.status === 'error') errors.push(`${agent}: tool ${s.toolName} failed: ${s.error?.message ?? ''}`)
      const r = s.result as Record<string, unknown> | undefined
      if (s.status === 'ok' && TRANSFER_TOOLS.has(s.toolName) && r && typeof r.transaction_id === 'string') {
        transfers.set(r.transaction_id, { from: String(r.from), to: String(r.to), amount: String(r.transferred), reason: String(r.reason ?? ''), transactionId: r.transaction_id })
      }
    }
  }
  let answerEntry: StackEntry | null = null
  for (let i = rootEntries.length - 1; i >= 0 && !answerEntry; i--) {
    const s = rootEntries[i]!.state
    if (s.kind === 'user_message' && !s.meta) break
    if (s.kind === 'assistant_message' && s.toolCalls.length === 0 && s.content) answerEntry = rootEntries[i]!
  }
  const answer = answerEntry?.state.kind === 'assistant_message' ? answerEntry.state.content : null
  return {
    rootAgent: conv.rootAgent,
    rootBranch,
    rootEntries,
    answer,
    answerRef: answerEntry?.ref ?? null,
    traj: renderForModel(rootEntries, { maxTokens: 16_000 }).messages,
    toolCalls,
    transfers: [...transfers.values()],
    errors,
    firstTs: Number.isFinite(firstTs) ? firstTs : conv.createdAt,
    lastTs: lastTs || conv.createdAt,
  }
}

const emptyUsage = (): Usage => ({ calls: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0, modelMs: 0, offline: false })

/** Model usage of a conversation by metrics role: `model_call` (every agent) and `judge_call`. */
export function conversationUsage(artifacts: ArtifactStore, conversationId: string): { model: Usage; judge: Usage } {
  const out = { model: emptyUsage(), judge: emptyUsage() }
  for (const m of artifacts.metricPayloads(conversationId)) {
    const u = m.role === 'judge_call' ? out.judge : m.role === 'model_call' ? out.model : null
    if (!u) continue
    const p = m.payload as { promptTokens?: number; completionTokens?: number; costUsd?: number | null; latencyMs?: number; offline?: boolean }
    u.calls++
    u.promptTokens += p.promptTokens ?? 0
    u.completionTokens += p.completionTokens ?? 0
    u.totalTokens += (p.promptTokens ?? 0) + (p.completionTokens ?? 0)
    u.costUsd += p.costUsd ?? 0
    u.modelMs += p.latencyMs ?? 0
    u.offline ||= p.offline === true
  }
  return out
}

/** The calls of `now` that came after `earlier` (both totals of the same conversation and role). */
export function usageSince(now: Usage, earlier: Usage): Usage {
  return {
    calls: now.calls - earlier.calls,
    promptTokens: now.promptTokens - earlier.promptTokens,
    completionTokens: now.completionTokens - earlier.completionTokens,
    totalTokens: now.totalTokens - earlier.totalTokens,
    costUsd: now.costUsd - earlier.costUsd,
    modelMs: now.modelMs - earlier.modelMs,
    offline: now.offline,
  }
}

/** Net change per agent of a list of transfers, as 2-decimal strings (agents sorted). */
export function walletChanges(transfers: readonly TransferSummary[]): Record<string, string> {
  const delta = new Map<string, bigint>()
  for (const t of transfers) {
    const a = parseDecimal(t.amount)
    delta.set(t.from, (delta.get(t.from) ?? 0n) - a)
    delta.set(t.to, (delta.get(t.to) ?? 0n) + a)
  }
  return Object.fromEntries([...delta.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, formatFixed(v, 2)]))
}

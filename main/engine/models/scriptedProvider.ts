import { createHash } from 'node:crypto'
import type { ChatMessage, CompleteOptions, ModelProvider, ModelRequest, ModelResponse, ModelToolCall } from '../ports/model'
import { estimateUsage } from './openaiProvider'
import { isJudgePrompt, judgeVerdict } from './scriptedJudge'
import { planRounds, type PlannedCall } from './scriptedPlan'
import { toolResultSentence } from './scriptedSentences'
import { limitTokens, offlineReply } from './scriptedWriting'

export { OFFLINE_JUDGE_LABEL } from './scriptedJudge'

/** Every answer of the offline model starts with this, so no one mistakes it for a real model. */
export const OFFLINE_LABEL = '[offline scripted model]'

/**
 * `local/scripted`: a deterministic model that needs no network. It calls the offered tools a
 * user message asks for (weather, league leaders, balances, history, transfers, rewards,
 * delegations; reads before payments), answers in plain sentences built from the results (a
 * delegated agent's answer is relayed as a sentence, a failed call says what failed), writes from
 * a small joke book when asked for humour, and otherwise gives a canned reply. Judge prompts get
 * the offline judge's verdict. Same request → same response.
 */
export class ScriptedLocalProvider implements ModelProvider {
  readonly label: string

  /** @param reason why the offline model answers (shown in `label`), e.g. "no OPENAI_API_KEY". */
  constructor(readonly reason = 'selected') {
    this.label = `local/scripted (offline: ${reason})`
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    const started = performance.now()
    const { content, toolCalls, cut } = decide(request)
    if (content && options.onToken) for (const piece of content.match(/\S+\s*|\s+/g) ?? []) options.onToken(piece)
    return {
      message: { content, toolCalls },
      usage: estimateUsage(request, content + JSON.stringify(toolCalls)),
      costUsd: 0,
      model: request.model,
      provider: 'local',
      latencyMs: Math.round(performance.now() - started),
      offline: true,
      finishReason: toolCalls.length ? 'tool_calls' : cut ? 'length' : 'stop',
    }
  }
}

/**
 * The next step for a request: a judge verdict for a judge prompt; the next round of tool calls
 * the last user message asks for ({@link planRounds}); once every round has its results, one
 * plain sentence per result ({@link toolResultSentence}); otherwise {@link offlineReply}.
 */
function decide(req: ModelRequest): { content: string; toolCalls: ModelToolCall[]; cut?: boolean } {
  if (isJudgePrompt(req.messages)) return { content: judgeVerdict(req.messages), toolCalls: [] }
  const last = req.messages[req.messages.length - 1]
  if (!last) return { content: `${OFFLINE_LABEL} No question provided.`, toolCalls: [] }
  const userAt = req.messages.findLastIndex((m) => m.role === 'user')
  const text = userAt >= 0 ? (req.messages[userAt] as Extract<ChatMessage, { role: 'user' }>).content : ''
  const offered = (req.toolChoice === 'none' ? [] : req.tools ?? []).map((t) => t.name)
  const since = userAt >= 0 ? req.messages.slice(userAt + 1) : []
  if (last.role === 'user' || last.role === 'tool') {
    const rounds = planRounds(text, new Set(offered))
    const asked = since.filter((m): m is Extract<ChatMessage, { role: 'assistant' }> => m.role === 'assistant' && !!m.toolCalls?.length)
    const made = new Set(asked.flatMap((m) => m.toolCalls!.map(callKey)))
    // One assistant tool-call turn per round at most, so the model always comes to an answer.
    const next = asked.length < rounds.length ? rounds.find((r) => r.some((c) => !made.has(callKey(c)))) : undefined
    if (next) {
      const calls = next.filter((c) => !made.has(callKey(c)))
      return { content: '', toolCalls: calls.map((c) => ({ id: callId(req.messages.length, c), ...c })) }
    }
    if (last.role === 'tool') return { content: `${OFFLINE_LABEL} ${summarise(since)}`, toolCalls: [] }
  }
  const { text: reply, cut } = limitTokens(offlineReply(last.role === 'user' ? text : '', offered), req.maxTokens)
  return { content: `${OFFLINE_LABEL} ${reply}`, toolCalls: [], cut }
}

/** A call's identity: its name and its arguments with sorted keys. */
function callKey(c: { name: string; arguments: string }): string {
  try {
    const v = JSON.parse(c.arguments) as Record<string, unknown>
    return `${c.name}:${JSON.stringify(Object.fromEntries(Object.entries(v ?? {}).sort(([a], [b]) => a.localeCompare(b))))}`
  } catch {
    return `${c.name}:${c.arguments}`
  }
}

const callId = (turn: number, c: PlannedCall): string => `call_${createHash('sha1').update(`${turn}:${c.name}:${c.arguments}`).digest('hex').slice(0, 16)}`

/** One sentence per tool result since the user's message, in the order they arrived. */
function summarise(since: readonly ChatMessage[]): string {
  const calls = new Map<string, ModelToolCall>()
  for (const m of since) if (m.role === 'assistant') for (const t of m.toolCalls ?? []) calls.set(t.id, t)
  const sentences = since
    .filter((m): m is Extract<ChatMessage, { role: 'tool' }> => m.role === 'tool')
    .map((m) => {
      const call = calls.get(m.toolCallId)
      return toolResultSentence(call?.name ?? 'tool', call?.arguments ?? '{}', m.content)
    })
  return sentences.join(' ')
}

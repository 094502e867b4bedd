import { createHash } from 'node:crypto'
import type { ChatMessage, CompleteOptions, ModelProvider, ModelRequest, ModelResponse, ModelToolCall } from '../ports/model'
import { estimateUsage } from './openaiProvider'

/** Every answer of the offline model starts with this, so no one mistakes it for a real model. */
export const OFFLINE_LABEL = '[offline scripted model]'

const CITIES = ['San Francisco', 'Tokyo', 'Paris']

/**
 * `local/scripted`: a deterministic model that needs no network. It calls a tool when the last
 * message is a user message asking for weather, a balance, a transfer or a delegation and the
 * tool is offered; after tool results it summarises them; otherwise it echoes a short labelled
 * answer. Same request → same response.
 */
export class ScriptedLocalProvider implements ModelProvider {
  readonly label: string

  /** @param reason why the offline model answers (shown in `label`), e.g. "no OPENAI_API_KEY". */
  constructor(readonly reason = 'selected') {
    this.label = `local/scripted (offline: ${reason})`
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    const started = performance.now()
    const { content, toolCalls } = decide(request)
    if (content && options.onToken) for (const piece of content.match(/\S+\s*|\s+/g) ?? []) options.onToken(piece)
    return {
      message: { content, toolCalls },
      usage: estimateUsage(request, content + JSON.stringify(toolCalls)),
      costUsd: 0,
      model: request.model,
      provider: 'local',
      latencyMs: Math.round(performance.now() - started),
      offline: true,
      finishReason: toolCalls.length ? 'tool_calls' : 'stop',
    }
  }
}

/** Marks judge replies of the offline model. */
export const OFFLINE_JUDGE_LABEL = '[offline scripted judge]'

/**
 * A judge prompt (judge_prompt.j2) gets a valid JSON verdict from a fixed heuristic on the last
 * assistant answer: canned offline replies score 0.25, answers built on tool results 0.75, others 0.5.
 */
function judgeVerdict(req: ModelRequest): string {
  const answers = req.messages.filter((m): m is Extract<ChatMessage, { role: 'assistant' }> => m.role === 'assistant' && !m.toolCalls?.length && !!m.content)
  const answer = answers[answers.length - 1]?.content ?? ''
  const [score, why] = answer === ''
    ? [0, 'no final answer']
    : /canned reply/.test(answer) ? [0.25, 'canned offline reply'] : / returned /.test(answer) ? [0.75, 'answer uses tool results'] : [0.5, 'plain answer']
  return JSON.stringify({ score, comment: `${OFFLINE_JUDGE_LABEL} heuristic: ${why} (${answer.length} chars)` })
}

function decide(req: ModelRequest): { content: string; toolCalls: ModelToolCall[] } {
  const first = req.messages[0]
  if (first?.role === 'system' && first.content.includes('You are an impartial judge.')) return { content: judgeVerdict(req), toolCalls: [] }
  const last = req.messages[req.messages.length - 1]
  if (!last) return { content: `${OFFLINE_LABEL} No question provided.`, toolCalls: [] }
  if (last.role === 'tool') return { content: summariseToolResults(req.messages), toolCalls: [] }
  const text = last.role === 'user' ? last.content : ''
  const offered = new Set((req.toolChoice === 'none' ? [] : req.tools ?? []).map((t) => t.name))
  const call = last.role === 'user' ? pickTool(text, offered) : null
  if (call) {
    const idOf = (c: { name: string; arguments: string }) => `call_${createHash('sha1').update(`${req.messages.length}:${c.name}:${c.arguments}`).digest('hex').slice(0, 16)}`
    // "Transfer 25 units to a … Transfer 25 units to b": one call per transfer asked for, in order.
    const calls = call.name === 'transfer_funds' ? transfersIn(text) : [call]
    return { content: '', toolCalls: calls.map((c) => ({ id: idOf(c), ...c })) }
  }
  const short = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return { content: `${OFFLINE_LABEL} No language model is configured, so this is a canned reply. You said: "${short}"`, toolCalls: [] }
}

const PAY = /\b(?:pay|transfer|send)\s+(\d+(?:\.\d+)?)\s*(?:units?|coins?|tokens?)?\s+to\s+([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)/i

/** Words that follow "to" in a payment request without naming anyone ("to your chosen agent"). */
const NOT_A_RECIPIENT = new Set(['the', 'your', 'my', 'our', 'their', 'a', 'an', 'either', 'each', 'one', 'both', 'any', 'all', 'them', 'him', 'her', 'it', 'whoever', 'whichever', 'agent', 'agents'])

/**
 * Every distinct transfer a message asks for, in order. A vague recipient ("to your chosen agent")
 * becomes the next agent id named after it ("… either agent_alpha or agent_beta").
 */
function transfersIn(text: string): { name: string; arguments: string }[] {
  const out = new Map<string, { name: string; arguments: string }>()
  for (const m of text.matchAll(new RegExp(PAY.source, 'gi'))) {
    let to = m[2]!
    if (NOT_A_RECIPIENT.has(to.toLowerCase())) {
      const named = /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/i.exec(text.slice(m.index! + m[0].length))
      if (!named) continue
      to = named[0]
    }
    const args = JSON.stringify({ to_agent: to, amount: Number(m[1]) })
    out.set(args, { name: 'transfer_funds', arguments: args })
  }
  return [...out.values()]
}

function pickTool(text: string, offered: Set<string>): { name: string; arguments: string } | null {
  const lower = text.toLowerCase()
  // "delegate to X: …" names any agent; "ask X …" only ids that look like agent ids (agent_helper).
  const delegateTo = /\b(delegate to|ask)\s+([A-Za-z0-9_.-]+)\s*(?:to\b|:|,)?\s*(.*)$/i.exec(text)
  if (offered.has('delegate') && delegateTo && (/^delegate/i.test(delegateTo[1]!) || delegateTo[2]!.includes('_'))) {
    return { name: 'delegate', arguments: JSON.stringify({ agent_id: delegateTo[2], message: delegateTo[3] || text }) }
  }
  const transfer = offered.has('transfer_funds') ? transfersIn(text)[0] : undefined
  if (transfer) return transfer
  if (offered.has('get_weather') && /\b(weather|temperature|forecast)\b/.test(lower)) {
    const city = CITIES.find((c) => lower.includes(c.toLowerCase())) ?? /\bin\s+([A-Z][\w -]*?)(?:[?.!,]|$)/.exec(text)?.[1]?.trim() ?? 'Paris'
    const unit = /celsius|°c/.test(lower) ? 'celsius' : undefined
    return { name: 'get_weather', arguments: JSON.stringify(unit ? { location: city, unit } : { location: city }) }
  }
  if (offered.has('check_balance') && /\bbalance\b|\bhow much money\b/.test(lower)) return { name: 'check_balance', arguments: '{}' }
  if (offered.has('transaction_history') && /\b(history|transactions)\b/.test(lower)) return { name: 'transaction_history', arguments: '{}' }
  return null
}

/** One line per tool result since the last assistant tool-call message. */
function summariseToolResults(messages: ChatMessage[]): string {
  const names = new Map<string, string>()
  for (const m of messages) if (m.role === 'assistant') for (const t of m.toolCalls ?? []) names.set(t.id, t.name)
  const results: string[] = []
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role === 'tool'; i--) {
    const m = messages[i] as Extract<ChatMessage, { role: 'tool' }>
    results.unshift(`${names.get(m.toolCallId) ?? 'tool'} returned ${m.content}`)
  }
  return `${OFFLINE_LABEL} ${results.join('; ')}`
}

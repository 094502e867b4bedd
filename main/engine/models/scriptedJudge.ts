import type { ChatMessage } from '../ports/model'
import { transfersIn } from './scriptedPlan'
import { CANNED_REPLY, asksForHumour } from './scriptedWriting'

/**
 * The offline judge: a deterministic, content-sensitive stand-in for an LLM judge. It reads the
 * rubric out of the judge prompt and checks each rubric line it recognises against the
 * trajectory (balances checked, transfers made, cities covered, humour, sentence counts), then
 * adds generic checks (the answer addresses the task, the tools succeeded, the user's own
 * instructions were followed). The score is the weighted mean, in steps of 0.05; the comment
 * names the checks that passed (✓) and failed (✗).
 */

/** Marks judge replies of the offline model. */
export const OFFLINE_JUDGE_LABEL = '[offline scripted judge]'

/** True when a request is a judge prompt (judge_prompt.j2). */
export const isJudgePrompt = (messages: readonly ChatMessage[]): boolean =>
  messages[0]?.role === 'system' && messages[0].content.includes('You are an impartial judge.')

interface Check {
  label: string
  /** 0..1 */
  score: number
  weight: number
}

interface ToolOutcome {
  name: string
  args: Record<string, unknown>
  ok: boolean
  result: Record<string, unknown>
}

interface Trajectory {
  task: string
  answer: string
  tools: ToolOutcome[]
}

const STOP = new Set('the and for you are not any all but can has was its one our out how who why own use now get per yes that this with from your have what which when where will would there their about into some than then them they were been also just only each other more most such very make made give given using used provide please write tell draft list produce describe following must should could'.split(' '))

function parseObject(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function trajectoryOf(messages: readonly ChatMessage[]): Trajectory {
  const rest = messages.slice(1)
  const task = rest.filter((m) => m.role === 'user').map((m) => m.content).join('\n')
  const answers = rest.filter((m): m is Extract<ChatMessage, { role: 'assistant' }> => m.role === 'assistant' && !m.toolCalls?.length && !!m.content)
  const answer = (answers[answers.length - 1]?.content ?? '').replace(/^\[offline scripted model\]\s*/, '')
  // A canned reply quotes the user; the quote is not the model's own writing.
  return { task, answer: answer.includes(CANNED_REPLY) ? CANNED_REPLY : answer, tools: toolsOf(rest) }
}

function toolsOf(rest: readonly ChatMessage[]): ToolOutcome[] {
  const calls = new Map<string, { name: string; args: Record<string, unknown> }>()
  for (const m of rest) if (m.role === 'assistant') for (const c of m.toolCalls ?? []) calls.set(c.id, { name: c.name, args: parseObject(c.arguments) })
  const tools: ToolOutcome[] = []
  for (const m of rest) {
    if (m.role !== 'tool') continue
    const call = calls.get(m.toolCallId) ?? { name: 'tool', args: {} }
    const result = parseObject(m.content)
    tools.push({ ...call, ok: result.status !== 'error', result })
  }
  return tools
}

/** The rubric inside a rendered judge_prompt.j2. */
export function rubricOf(system: string): string {
  const start = system.indexOf('You are an impartial judge.')
  const body = system.slice(start + 'You are an impartial judge.'.length)
  const end = body.search(/\n\s*Return \*\*ONLY\*\*/)
  return (end >= 0 ? body.slice(0, end) : body).trim()
}

const words = (text: string): string[] => (text.toLowerCase().match(/[a-z][a-z0-9_]{2,}/g) ?? []).map((w) => w.replace(/(?:ing|ed|es|s)$/, '')).filter((w) => !STOP.has(w))
const sentencesOf = (text: string): string[] => text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => /[a-z]/i.test(s))
const HUMOUR = /\b(puns?|jokes?|laugh|funny|astronomical|out of this world)\b|\?\s+\S[^?\n]*[.!]|!\s*$/im
const isCanned = (answer: string) => answer.includes(CANNED_REPLY)

/** How far the answer addresses the task: shared content words, or values from successful tool results. */
function relevance(t: Trajectory): number {
  if (!t.answer || isCanned(t.answer)) return 0
  const task = [...new Set(words(t.task))]
  const said = new Set(words(t.answer))
  const shared = task.filter((w) => said.has(w)).length / Math.max(1, Math.min(task.length, 5))
  const ok = t.tools.filter((x) => x.ok)
  const grounded = ok.length === 0 ? 0 : ok.filter((x) => Object.entries(x.result).some(([k, v]) => k !== 'message' && k !== 'status' && (typeof v === 'string' || typeof v === 'number') && String(v).length > 1 && t.answer.includes(String(v)))).length / ok.length
  const humour = asksForHumour(t.task) && HUMOUR.test(t.answer) ? 0.5 : 0
  return Math.min(1, Math.max(shared, grounded, humour))
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN)
const AGENT = /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/g

/** One rubric line checked against the trajectory; null when the line is not a criterion. */
function criterion(line: string, t: Trajectory): Omit<Check, 'weight'> | null {
  const text = line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').replace(/\(\s*\d*\.?\d+\s*\)\s*$/, '').replace(/\*+/g, '').trim()
  const lower = text.toLowerCase()
  const label = text.length > 36 ? `${text.slice(0, 35).trimEnd()}…` : text
  const ok = (name: string) => t.tools.filter((x) => x.ok && x.name === name)
  const agents = (lower.match(AGENT) ?? []).filter((a) => !a.includes('balance') && !a.includes('funds'))
  if (/\bbalance\b/.test(lower)) {
    const checks = ok('check_balance')
    const hit = /\bown\b/.test(lower) ? checks.some((c) => !c.args.agent_id) : agents.length ? agents.every((a) => checks.some((c) => c.args.agent_id === a)) : checks.length > 0
    return { label, score: hit ? 1 : 0 }
  }
  if (/\b(transfer|paid|payment|pay|distribut|budget)/.test(lower)) {
    const sent = [...ok('transfer_funds'), ...ok('reward_agent')]
    const amount = /\b(\d+(?:\.\d+)?)\s*(?:units?|coins?)\b/.exec(lower)
    const matching = sent.filter((x) => (!agents.length || agents.includes(String(x.result.to))) && (!amount || num(x.result.transferred) === Number(amount[1])))
    if (/\b(full|all required|all transfers|total)\b/.test(lower)) {
      const asked = transfersIn(t.task)
      const budget = /\b(\d+(?:\.\d+)?)\s*units?\s+total\b|\btotal\s+(?:of\s+)?(\d+(?:\.\d+)?)/i.exec(t.task)
      const moved = sent.reduce((s, x) => s + num(x.result.transferred), 0)
      const done = budget ? Math.min(1, moved / Number(budget[1] ?? budget[2])) : asked.length ? Math.min(1, sent.length / asked.length) : sent.length ? 1 : 0
      return { label, score: done }
    }
    return { label, score: matching.length ? 1 : 0 }
  }
  if (/\b(weather|cit(y|ies)|temperature)\b/.test(lower)) {
    const wanted = ['paris', 'tokyo', 'san francisco'].filter((c) => t.task.toLowerCase().includes(c))
    const covered = ok('get_weather').map((x) => String(x.result.location).toLowerCase())
    const need = wanted.length ? wanted : covered.length ? covered : ['?']
    return { label, score: need.filter((c) => covered.includes(c) && t.answer.toLowerCase().includes(c)).length / need.length }
  }
  const n = /(?:≥|>=|at least|exactly)?\s*(\d+)\s+sentences?/.exec(lower)
  if (n) return { label, score: sentencesOf(t.answer).length >= Number(n[1]) ? 1 : 0 }
  if (/\b(ends?|final|last)\b.*\b(punch|joke|pun)/.test(lower) || /punch-?line/.test(lower)) {
    const last = sentencesOf(t.answer).slice(-2).join(' ')
    return { label, score: HUMOUR.test(last) ? 1 : 0 }
  }
  if (/\b(puns?|jokes?|humou?r|funny|absurd)\b/.test(lower)) return { label, score: HUMOUR.test(t.answer) ? 1 : 0 }
  if (/\b(clich|repetition|apolog)/.test(lower)) {
    const s = sentencesOf(t.answer)
    return { label, score: s.length > 0 && new Set(s).size === s.length && !/\b(sorry|apologi[sz]e|can't|cannot)\b/i.test(t.answer) && !isCanned(t.answer) ? 1 : 0 }
  }
  if (/\b(correct|accura|reason|explan|clear|clarity|complete|helpful|quality|justif)/.test(lower)) return { label, score: relevance(t) }
  return null
}

/** Rubric lines with their weights ("(0.4)"), numbered or bulleted; the whole rubric when it has none. */
function rubricChecks(rubric: string, t: Trajectory): Check[] {
  const lines = rubric.split('\n').filter((l) => /^\s*(?:[-*•]|\d+[.)])\s+\S/.test(l))
  const out: Check[] = []
  for (const line of lines.length ? lines : [rubric]) {
    const c = criterion(line, t)
    if (!c) continue
    // A rubric without criteria lines is one overall check.
    if (!lines.length) c.label = 'overall quality (rubric)'
    const w = /\(\s*(\d*\.?\d+)\s*\)\s*$/.exec(line)
    out.push({ ...c, weight: w ? Number(w[1]) || 1 : 1 })
  }
  return out
}

/** Checks of the user's own instructions: "no jokes", "N sentences", "each on a new line". */
function instructionChecks(t: Trajectory): Check[] {
  const out: Check[] = []
  if (/\b(no|not|without|do not)\b[^.\n]{0,30}\b(humou?r|jokes?)\b/i.test(t.task)) out.push({ label: 'no jokes, as asked', score: HUMOUR.test(t.answer) ? 0 : 1, weight: 1 })
  else if (asksForHumour(t.task)) out.push({ label: 'humour, as asked', score: HUMOUR.test(t.answer) ? 1 : 0, weight: 1 })
  const n = /\b(\d+)[\s-]+sentences?\b/i.exec(t.task) ?? /\b(eight|ten|five|six)\s+sentences\b/i.exec(t.task)
  if (n) {
    const want = Number(n[1]) || { five: 5, six: 6, eight: 8, ten: 10 }[n[1]!.toLowerCase()]!
    out.push({ label: `${want} sentences, as asked`, score: sentencesOf(t.answer).length >= want ? 1 : 0, weight: 1 })
  }
  return out
}

const round = (x: number) => Math.round(x * 20) / 20

/** The judge's verdict on a judge request: `{ score, comment }` as JSON text. */
export function judgeVerdict(messages: readonly ChatMessage[]): string {
  const system = messages[0]?.role === 'system' ? messages[0].content : ''
  const t = trajectoryOf(messages)
  if (!t.answer) return JSON.stringify({ score: 0, comment: `${OFFLINE_JUDGE_LABEL} 0.00: no final answer.` })
  const rubric = rubricChecks(rubricOf(system), t)
  const generic: Check[] = [
    { label: isCanned(t.answer) ? 'the offline model could not answer' : 'addresses the task', score: relevance(t), weight: 1 },
    ...(t.tools.length ? [{ label: `${t.tools.filter((x) => x.ok).length}/${t.tools.length} tool calls succeeded`, score: t.tools.filter((x) => x.ok).length / t.tools.length, weight: 1 }] : []),
    ...instructionChecks(t),
  ]
  const mean = (cs: Check[]) => cs.reduce((s, c) => s + c.score * c.weight, 0) / cs.reduce((s, c) => s + c.weight, 0)
  // Rubric lines decide 80 % of the score when the rubric has any the judge can check.
  const score = round(rubric.length ? 0.8 * mean(rubric) + 0.2 * mean(generic) : mean(generic))
  const shown = [...rubric, ...generic].map((c) => `${c.score >= 0.75 ? '✓' : c.score >= 0.25 ? '~' : '✗'} ${c.label}`)
  const comment = `${OFFLINE_JUDGE_LABEL} ${score.toFixed(2)}: ${shown.join('; ')}.`
  const names = perMetricNames(system)
  if (!names) return JSON.stringify({ score, comment })
  // Per metric (comprehensive_judge): the rubric line naming the metric when the judge can check
  // it, else the overall score.
  const lines = rubricOf(system).split('\n')
  const metrics = Object.fromEntries(names.map((m) => {
    const line = lines.find((l) => l.toLowerCase().includes(m.toLowerCase().replace(/[_-]/g, ' ')) && /\(\s*\d*\.?\d+\s*\)\s*$/.test(l))
    const c = line ? criterion(line, t) : null
    return [m, c ? round(0.8 * c.score + 0.2 * mean(generic)) : score]
  }))
  return JSON.stringify({ metrics, comment })
}

/** The metric names of a per-metric judge prompt (`Metrics: a, b` after the marker line), else null. */
function perMetricNames(system: string): string[] | null {
  if (!system.includes('Score each metric separately')) return null
  const line = /^Metrics: (.+)$/m.exec(system)
  return line ? line[1]!.split(',').map((m) => m.trim()).filter(Boolean) : null
}

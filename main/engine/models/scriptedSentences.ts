import { formatFixed, parseDecimal } from '../ledger/decimal'

/**
 * How the offline scripted model words tool results: one plain sentence per result, built from
 * the values the tool returned (never a JSON echo). Errors become a sentence saying what failed.
 */

/** The reason `transfer_funds` records when the caller gave none; not worth repeating. */
const DEFAULT_TRANSFER_REASON = 'Transfer via tool call'

/** Prefix of every offline answer; a child's answer relayed by its parent drops it. */
const OFFLINE_PREFIX = /^\[offline scripted model\]\s*/

type Json = Record<string, unknown>

const asObject = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined)

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** Two decimals for money ("75.0" → "75.00"); other text is kept as is. */
export function money(value: unknown): string {
  const s = str(value)
  if (s === undefined) return '?'
  try {
    return formatFixed(parseDecimal(s), 2)
  } catch {
    return s
  }
}

/** Ends `text` with exactly one full stop (keeps ?, ! and …). */
function sentence(text: string): string {
  const t = text.trim()
  return /[.!?…]$/.test(t) ? t : `${t}.`
}

/** "for helping with analysis" when the reason reads as a phrase, else the quoted note. */
function reasonPhrase(reason: string | undefined): string {
  if (!reason || reason === DEFAULT_TRANSFER_REASON) return ''
  const r = reason.trim().replace(/[.]+$/, '')
  if (/^for\b/i.test(r)) return ` ${r}`
  return /^[a-z]/.test(r) ? ` for ${r}` : ` with the note "${r}"`
}

/** Celsius and Fahrenheit as people write them. */
const unitSymbol = (unit: unknown): string => (unit === 'celsius' ? '°C' : unit === 'fahrenheit' ? '°F' : ` ${str(unit) ?? ''}`.trimEnd())

/** What a call was trying to do, for its error sentence ("get the weather for Atlantis"). */
function attempt(name: string, args: Json): string {
  switch (name) {
    case 'get_weather':
      return `get the weather for ${str(args.location) ?? 'that place'}`
    case 'get_league_leader':
      return `find the leader of ${str(args.league) ?? 'that league'}`
    case 'transfer_funds':
      return `send ${str(args.amount) ?? 'the amount'} to ${str(args.to_agent) ?? 'that agent'}`
    case 'reward_agent':
      return `reward ${str(args.agent_id) ?? 'that agent'}`
    case 'check_balance':
      return str(args.agent_id) ? `check ${str(args.agent_id)}'s balance` : 'check your balance'
    case 'transaction_history':
      return 'read the transaction history'
    case 'delegate':
      return `get an answer from ${str(args.agent_id) ?? 'the other agent'}`
    default:
      return `run ${name}`
  }
}

function errorSentence(name: string, args: Json, message: string): string {
  const why = message.trim().replace(/[.]+$/, '') || 'unknown error'
  return sentence(`I couldn't ${attempt(name, args)}: ${why}`)
}

function historySentence(r: Json): string {
  const agent = str(r.agent) ?? 'The wallet'
  const list = Array.isArray(r.transactions) ? r.transactions.map(asObject).filter((t): t is Json => t !== null) : []
  if (list.length === 0) return `${agent} has no transactions yet.`
  const shown = list.slice(0, 5).map((t) => {
    const sent = t.type === 'sent'
    const note = str(t.reason) && t.reason !== DEFAULT_TRANSFER_REASON ? ` (${str(t.reason)})` : ''
    return `${sent ? 'sent' : 'received'} ${money(t.amount)} ${sent ? 'to' : 'from'} ${str(t.other_party) ?? '?'}${note}`
  })
  const more = list.length > shown.length ? `, and ${list.length - shown.length} more` : ''
  return `${agent} has ${list.length} transaction${list.length === 1 ? '' : 's'}, newest first: ${shown.join('; ')}${more}.`
}

/** A JSON value of an unknown tool as "key value, key value". */
function plainValues(v: unknown): string {
  const o = asObject(v)
  if (!o) return Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : String(v)
  return Object.entries(o)
    .filter(([k]) => k !== 'reward')
    .map(([k, x]) => `${k.replace(/_/g, ' ')} ${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`)
    .join(', ')
}

function okSentence(name: string, args: Json, result: unknown): string {
  const r = asObject(result) ?? {}
  switch (name) {
    case 'get_weather':
      return `It's ${str(r.temperature) ?? '?'} ${unitSymbol(r.unit ?? args.unit ?? 'fahrenheit')} in ${str(r.location) ?? str(args.location) ?? 'that place'}.`
    case 'get_league_leader':
      return `${str(r.leader) ?? 'Nobody'} leads ${str(r.league) ?? str(args.league) ?? 'the league'}.`
    case 'transfer_funds':
    case 'reward_agent': {
      const rewarded = name === 'reward_agent'
      const reason = rewarded ? str(r.reason)?.replace(/^Reward:\s*/, '') : str(r.reason)
      const what = rewarded ? `Rewarded ${str(r.to) ?? '?'} with ${str(r.transferred) ?? '?'}${reason ? ` (${reason.replace(/[.]+$/, '')})` : ''}` : `Sent ${str(r.transferred) ?? '?'} to ${str(r.to) ?? '?'}${reasonPhrase(reason)}`
      const again = r.deduplicated === true ? ' (this repeats an earlier identical call, so nothing was paid twice)' : ''
      return `${what}${again}; your balance is ${money(r.new_balance)}.`
    }
    case 'check_balance':
      return str(args.agent_id) ? `${str(r.agent) ?? str(args.agent_id)} has ${money(r.balance)}.` : `Your balance (${str(r.agent) ?? 'you'}) is ${money(r.balance)}.`
    case 'transaction_history':
      return historySentence(r)
    case 'delegate': {
      const child = str(r.child) ?? str(args.agent_id) ?? 'The other agent'
      const answer = (str(r.answer) ?? '').replace(OFFLINE_PREFIX, '').trim()
      return answer ? `${child} says: ${sentence(answer)}` : `${child} finished without an answer.`
    }
    default:
      return typeof result === 'string' ? sentence(`${name} said: ${result}`) : sentence(`${name} gave ${plainValues(result)}`)
  }
}

/**
 * One plain sentence for a tool message: `name` and `argsJson` come from the assistant's call,
 * `content` is the tool message the model received (the result JSON, or `{status:"error"}`).
 */
export function toolResultSentence(name: string, argsJson: string, content: string): string {
  const args = asObject(parse(argsJson)) ?? {}
  const body = parse(content)
  const o = asObject(body)
  if (o && o.status === 'error' && typeof o.error === 'string') return errorSentence(name, args, o.error)
  return okSentence(name, args, body)
}

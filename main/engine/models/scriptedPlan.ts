import { LEAGUE_TABLE, WEATHER_TABLE } from '../tools/builtins/weather'

/**
 * What the offline scripted model does with a user message when tools are offered: the tool
 * calls it asks for, in rounds. Round 1 asks other agents and reads (weather, balances, history,
 * league leaders); round 2 moves money (transfers, rewards), so balances read in round 1 are the
 * ones before the payment. Pure and deterministic.
 */

/** A call as the model asks for it: the tool's name and its JSON arguments. */
export interface PlannedCall {
  name: string
  arguments: string
}

const CITIES = Object.keys(WEATHER_TABLE)
const LEAGUES = Object.keys(LEAGUE_TABLE)

const PAY = /\b(?:pay|transfer|send)\s+(\d+(?:\.\d+)?)\s*(?:units?|coins?|tokens?)?\s+to\s+([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)/gi

/** Words that follow "to"/"for" without naming anyone ("to your chosen agent"). */
const NOT_AN_AGENT = new Set(['the', 'your', 'my', 'our', 'their', 'a', 'an', 'either', 'each', 'one', 'both', 'any', 'all', 'them', 'him', 'her', 'it', 'whoever', 'whichever', 'agent', 'agents', 'me', 'us', 'you', 'own', 'this', 'that', 'balance', 'balances', 'team'])

/** Agent ids look like `agent_helper`: lowercase words joined by underscores. */
const AGENT_ID = /\b[a-z][a-z0-9]*_[a-z0-9_]+\b/gi

/** `reason: "…"` anywhere in the message: the reason of every transfer that names none. */
const QUOTED_REASON = /\breason\s*:?\s*["“]([^"”\n]+)["”]/i

/** The reason right after one transfer request: `(reason: "…")` or `for …`. */
function reasonAfter(rest: string): string | undefined {
  const quoted = /^\s*\(?\s*reason\s*:?\s*["“]([^"”\n]+)["”]/i.exec(rest)
  if (quoted) return quoted[1]!.trim()
  const phrase = /^\s+for\s+([^.;,!?\n()]+?)\s*(?:[.;,!?\n()]|\band\b|$)/i.exec(rest)
  return phrase ? phrase[1]!.trim() : undefined
}

/**
 * Every distinct transfer a message asks for, in order, with the user's reason. A vague
 * recipient ("to your chosen agent") becomes the next agent id named after it.
 */
export function transfersIn(text: string, toolNames: ReadonlySet<string> = new Set()): PlannedCall[] {
  const out = new Map<string, PlannedCall>()
  const general = QUOTED_REASON.exec(text)?.[1]?.trim()
  for (const m of text.matchAll(PAY)) {
    let to = m[2]!
    const after = text.slice(m.index! + m[0].length)
    if (NOT_AN_AGENT.has(to.toLowerCase())) {
      const named = [...after.matchAll(AGENT_ID)].find((n) => !toolNames.has(n[0]))
      if (!named) continue
      to = named[0]
    }
    const reason = reasonAfter(after) ?? general
    const args = JSON.stringify({ to_agent: to, amount: Number(m[1]), ...(reason ? { reason } : {}) })
    // The same recipient and amount asked twice ("… transfer 25 to either agent_alpha …") is one transfer.
    const key = `${to}:${Number(m[1])}`
    if (!out.has(key)) out.set(key, { name: 'transfer_funds', arguments: args })
  }
  return [...out.values()]
}

/** `delegate to X: …` names any agent; `ask X …` only ids that look like agent ids. */
const DELEGATE = /\b(delegate to|ask)\s+([A-Za-z0-9_.-]+)\s*(?:to\b|:|,)?\s*(.*)$/i

function delegationIn(line: string, fullText: string): PlannedCall | null {
  const m = DELEGATE.exec(line)
  if (!m || !(/^delegate/i.test(m[1]!) || m[2]!.includes('_'))) return null
  const message = m[3]!.trim().replace(/^["“'](.*)["”']$/, '$1').trim()
  return { name: 'delegate', arguments: JSON.stringify({ agent_id: m[2], message: message || fullText.trim() }) }
}

/** Agents whose balance a line asks for; `null` stands for the caller's own wallet. */
function balanceTargets(line: string, tools: ReadonlySet<string>): (string | null)[] {
  const targets: (string | null)[] = []
  const add = (a: string | null) => {
    if (!targets.includes(a)) targets.push(a)
  }
  if (/\b(own|my|your|i)\b/i.test(line.replace(/\byour (task|duties|chosen)\b/gi, ''))) add(null)
  const named = [...line.matchAll(AGENT_ID)].map((m) => m[0]).filter((id) => !tools.has(id))
  const joined = [...line.matchAll(/\b(?:for|of|on|and)\s+([a-z][a-z0-9_]*)\b/gi)].map((m) => m[1]!).filter((w) => !NOT_AN_AGENT.has(w.toLowerCase()) && !tools.has(w))
  for (const id of [...named, ...joined]) add(id.replace(/'s$/, ''))
  if (targets.length === 0) add(null)
  return targets
}

function readsIn(text: string, offered: ReadonlySet<string>): PlannedCall[] {
  const calls: PlannedCall[] = []
  const lower = text.toLowerCase()
  if (offered.has('get_weather') && /\b(weather|temperature|forecast)\b/.test(lower)) {
    const known = CITIES.map((c) => [c, lower.indexOf(c.toLowerCase())] as const).filter(([, at]) => at >= 0).sort((a, b) => a[1] - b[1]).map(([c]) => c)
    const cities = known.length ? known : [/\bin\s+([A-Z][\w -]*?)(?:[?.!,]|\s+(?:right now|today|now)\b|$)/m.exec(text)?.[1]?.trim() ?? 'Paris']
    const unit = /celsius|°c/.test(lower) ? 'celsius' : undefined
    for (const city of cities) calls.push({ name: 'get_weather', arguments: JSON.stringify(unit ? { location: city, unit } : { location: city }) })
  }
  if (offered.has('get_league_leader') && /\b(league|liga|ligue|leader|leads)\b/.test(lower)) {
    for (const league of LEAGUES.filter((l) => lower.includes(l.toLowerCase()))) calls.push({ name: 'get_league_leader', arguments: JSON.stringify({ league }) })
  }
  if (offered.has('check_balance')) {
    const seen = new Set<string>()
    for (const line of text.split(/\n|(?<=[.?!])\s+/)) {
      if (!/(?:\b|_)balances?\b|\bhow much money\b/i.test(line)) continue
      for (const who of balanceTargets(line, offered)) {
        const args = JSON.stringify(who === null ? {} : { agent_id: who })
        if (!seen.has(args)) calls.push({ name: 'check_balance', arguments: args })
        seen.add(args)
      }
    }
  }
  if (offered.has('transaction_history') && /\b(history|transactions)\b/.test(lower)) calls.push({ name: 'transaction_history', arguments: '{}' })
  return calls
}

function rewardsIn(text: string): PlannedCall[] {
  return [...text.matchAll(/\breward\s+([a-z][a-z0-9]*_[a-z0-9_]+)(?:\s+with\s+(\d+(?:\.\d+)?))?/gi)].map((m) => ({
    name: 'reward_agent',
    arguments: JSON.stringify({ agent_id: m[1], ...(m[2] ? { amount: Number(m[2]) } : {}) }),
  }))
}

/**
 * The rounds of tool calls a user message asks for, given the offered tool names. Empty when
 * it asks for nothing the offered tools can do.
 */
export function planRounds(text: string, offered: ReadonlySet<string>): PlannedCall[][] {
  const lines = text.split('\n')
  const delegations = offered.has('delegate') ? lines.map((l) => delegationIn(l, text)).filter((c): c is PlannedCall => c !== null) : []
  // A delegated line ("Delegate to agent_helper: what is the weather?") is the child's job.
  const own = lines.filter((l) => !(offered.has('delegate') && delegationIn(l, text))).join('\n')
  // Quoted reasons ("Payment for weather services") name no task of their own.
  const reads = readsIn(own.replace(new RegExp(QUOTED_REASON.source, 'gi'), ''), offered)
  const transfers = offered.has('transfer_funds') ? transfersIn(own, offered) : []
  const writes = transfers.length ? transfers : offered.has('reward_agent') ? rewardsIn(own) : []
  return [[...delegations, ...reads], writes].filter((r) => r.length > 0)
}

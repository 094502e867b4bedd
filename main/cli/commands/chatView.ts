import { OFFLINE_LABEL } from '../../engine/models/scriptedProvider'
import type { Engine } from '../../engine/runtime/engine'
import type { EngineEventMap } from '../../engine/runtime/events'
import type { Conversation } from '../../engine/ports/stacks'
import type { Output } from '../output'
import { pc } from '../output'
import { rawWriter } from './lineInput'
import { short } from './stackFormat'

/** What one turn produced, for `--json` and tests. */
export interface TurnReport {
  answer: string | null
  offline: boolean
  tools: { agent: string; name: string; args: unknown; status: 'ok' | 'error'; result?: unknown; error?: string }[]
  delegations: { from: string; to: string; message: string; answer?: string }[]
  inputRequested: string | null
}

/** Shown once when the offline scripted model answers. */
export const OFFLINE_NOTE = pc.yellow('  ℹ️  No model is reachable (no OPENAI_API_KEY and no local server): replies come from the offline scripted model.')

const LABEL = `${OFFLINE_LABEL} `
/** An answer without the offline label: the note above says it once per chat. */
const withoutLabel = (text: string): string => (text.startsWith(LABEL) ? text.slice(LABEL.length) : text)

type Listener<K extends keyof EngineEventMap> = (...args: EngineEventMap[K]) => void

/**
 * Prints a conversation's activity as it happens: streamed tokens of the root agent, tool calls
 * with their outcome, delegations and the children's answers, payments, human-input requests and
 * the final answer. `quiet` only collects the {@link TurnReport} (for `--json`).
 */
export class ChatView {
  private readonly off: (() => void)[] = []
  private readonly write?: (t: string) => void
  private lineOpen = false
  private streamed = ''
  /** Characters of the streamed answer (label removed) already written. */
  private shown = 0
  private offlineNoted = false
  private pendingNote: string | null = null
  private readonly args = new Map<string, unknown>()
  report: TurnReport = ChatView.emptyReport()

  constructor(private readonly engine: Engine, private readonly conv: Conversation, private readonly io: Output, private readonly quiet = false) {
    this.write = quiet ? undefined : rawWriter(io)
    this.on('token', (e) => {
      if (e.conversationId !== conv.id || e.agentId !== conv.rootAgent || !this.write) return
      this.streamed += e.delta
      // The offline label is said once (the note), not on every answer: hold tokens while they may be it.
      if (LABEL.startsWith(this.streamed)) return
      const visible = withoutLabel(this.streamed)
      const fresh = visible.slice(this.shown)
      if (!fresh) return
      if (!this.lineOpen) this.write(pc.cyan(`${conv.rootAgent}: `))
      this.lineOpen = true
      this.write(fresh)
      this.shown = visible.length
    })
    this.on('tool:start', (e) => {
      if (e.conversationId !== conv.id) return
      this.args.set(e.callId, e.args)
      this.say(pc.dim(`  ${this.who(e.agentId)}→ ${e.name}(${short(e.args, 100)})`))
    })
    this.on('tool:end', (e) => {
      if (e.conversationId !== conv.id) return
      const o = e.outcome
      const args = this.args.get(e.callId) ?? null
      this.report.tools.push(o.status === 'ok'
        ? { agent: e.agentId, name: e.name, args, status: 'ok', result: o.result }
        : { agent: e.agentId, name: e.name, args, status: 'error', error: o.error.message })
      if (o.status === 'error') return this.say(pc.red(`  ${this.who(e.agentId)}✗ ${e.name} error: ${short(o.error.message, 160)}`))
      const r = o.result as { transferred?: string; to?: string; new_balance?: string; deduplicated?: boolean } | null
      if ((e.name === 'transfer_funds' || e.name === 'reward_agent') && r && r.transferred !== undefined) {
        this.say(pc.green(`  💸 ${e.agentId} paid ${r.transferred} to ${r.to}${r.new_balance ? ` (new balance ${r.new_balance})` : ''}${r.deduplicated ? ' [already committed, not repeated]' : ''}`))
      } else this.say(pc.dim(`  ${this.who(e.agentId)}✓ ${e.name}${o.cached ? ' (cached)' : ''}: ${short(o.result, 160)}`))
    })
    this.on('delegated', (e) => {
      if (e.conversationId !== conv.id) return
      this.report.delegations.push({ from: e.agentId, to: e.child, message: e.message })
      this.say(pc.magenta(`  ⇢ ${e.agentId} delegated to ${e.child}: ${short(e.message, 120)}`))
    })
    this.on('answer', (e) => {
      if (e.conversationId !== conv.id) return
      if (!e.root) {
        const d = [...this.report.delegations].reverse().find((x) => x.to === e.agentId && x.answer === undefined)
        if (d) d.answer = e.text
        return this.say(pc.magenta(`  ⇠ ${e.agentId} answered: ${short(withoutLabel(e.text), 200)}`))
      }
      this.report.answer = e.text
      if (this.streamed.trim() !== '' && this.streamed.includes(e.text.trim())) this.endLine()
      else this.say(`${pc.cyan(`${e.agentId}:`)} ${withoutLabel(e.text)}`)
      this.streamed = ''
      this.shown = 0
    })
    this.on('input:requested', (e) => {
      if (e.conversationId !== conv.id) return
      this.report.inputRequested = e.text
      this.say(pc.yellow(`  ❓ ${e.agentId} asks: ${e.text}`))
      this.say(pc.yellow(`     Answer with: p2engine conversation answer ${conv.name} "<your answer>"`))
    })
    this.on('model:call', (e) => {
      if (e.conversationId !== conv.id || !e.offline) return
      this.report.offline = true
      if (this.offlineNoted) return
      this.offlineNoted = true
      // After a streamed answer line, so the note never splits it.
      if (this.lineOpen) this.pendingNote = OFFLINE_NOTE
      else this.say(OFFLINE_NOTE)
    })
    this.on('error', (e) => {
      if (!e.key.startsWith(conv.id)) return
      const err = e.error instanceof Error ? e.error.message : String(e.error)
      this.endLine()
      this.io.err(pc.red(`error: while working on the conversation: ${err}`))
    })
  }

  static emptyReport(): TurnReport {
    return { answer: null, offline: false, tools: [], delegations: [], inputRequested: null }
  }

  /** Starts a new turn's report. */
  reset(): void {
    this.report = ChatView.emptyReport()
    this.streamed = ''
    this.shown = 0
  }

  /** Ends an open streamed line. */
  endLine(): void {
    if (this.lineOpen && this.write) this.write('\n')
    this.lineOpen = false
    const note = this.pendingNote
    this.pendingNote = null
    if (note) this.say(note)
  }

  /** Marks the offline note as shown (the chat printed it at start). */
  offlineAlreadyNoted(): void {
    this.offlineNoted = true
  }

  detach(): void {
    this.endLine()
    for (const f of this.off) f()
  }

  private on<K extends keyof EngineEventMap>(event: K, fn: Listener<K>): void {
    this.engine.events.on(event, fn)
    this.off.push(() => this.engine.events.off(event, fn))
  }

  private who(agent: string): string {
    return agent === this.conv.rootAgent ? '' : `[${agent}] `
  }

  private say(line: string): void {
    if (this.quiet) return
    this.endLine()
    this.io.out(line)
  }
}

import { isSyntheticMarker, type AgentId, type BranchId, type StackEntry } from '../../engine/schema/states'
import type { CliContext } from '../context'
import { pc, processOutput } from '../output'
import { onStdoutClosed } from '../stdio'
import type { InteractiveIo } from './lineInput'
import { agentOf, conversationOf } from './resolve'
import { formatTime } from '../timeFormat'
import { contentOf, KIND_LABEL } from './stackFormat'

/** How often the database's `data_version` is compared (it changes when another process commits). */
export const WATCH_CHECK_MS = 300

interface Seen { branch: BranchId; length: number }

/**
 * `conversation watch CONV`: prints the newest entries of each agent's checked-out branch, then
 * every new entry. Entries pushed in this process arrive as engine events; entries pushed by other
 * processes are noticed when SQLite's `PRAGMA data_version` changes (checked every 300 ms, a cheap
 * read). Stops on Ctrl-C, `--once`, when the io's `signal` aborts, or when stdout's reader is gone.
 */
export async function watchConversation(ctx: CliContext, name: string, opts: { agentId?: string; once?: boolean }): Promise<void> {
  const conv = conversationOf(ctx, name)
  const { stacks } = ctx.engine.deps
  const only = opts.agentId === undefined ? null : agentOf(ctx, conv, opts.agentId)
  const seen = new Map<AgentId, Seen>()
  const line = (agent: AgentId, e: StackEntry) =>
    `${pc.dim(formatTime(e.ts))} ${pc.cyan(agent)} #${e.index} ${pc.bold(KIND_LABEL[e.state.kind])} ${contentOf(e.state, 160)}`
  const print = (agent: AgentId, entries: StackEntry[]) => {
    for (const e of entries) if (!isSyntheticMarker(e.state)) ctx.io.out(line(agent, e))
  }

  const refresh = (initial: boolean) => {
    for (const agent of only ? [only] : stacks.agentsOf(conv.id)) {
      const branch = stacks.currentBranch(conv.id, agent)
      const length = stacks.length(conv.id, agent, branch)
      const prev = seen.get(agent)
      seen.set(agent, { branch, length })
      if (!prev) {
        if (length > 0) print(agent, stacks.read(conv.id, agent, branch, { limit: initial ? 10 : length }))
      } else if (prev.branch !== branch) {
        ctx.io.out(pc.yellow(`${agent} is now on branch ${branch} (${length} entries)`))
      } else if (length < prev.length) {
        ctx.io.out(pc.yellow(`${agent}: branch ${branch} was rewound to ${length} entries`))
      } else if (length > prev.length) {
        print(agent, stacks.read(conv.id, agent, branch, { from: prev.length }))
      }
    }
  }

  ctx.io.out(pc.bold(`Watching conversation ${conv.name} (ID: ${conv.id})${opts.once ? '' : '. Ctrl-C to stop.'}`))
  refresh(true)
  if (opts.once) return

  const db = ctx.store.db
  let version = db.pragma('data_version', { simple: true }) as number
  await new Promise<void>((resolve) => {
    const signal = (ctx.io as InteractiveIo).signal
    const onEntry = (e: { conversationId: string }) => { if (e.conversationId === conv.id) refresh(false) }
    const timer = setInterval(() => {
      const v = db.pragma('data_version', { simple: true }) as number
      if (v === version) return
      version = v
      refresh(false)
    }, WATCH_CHECK_MS)
    // `watch | head`: once the reader is gone there is no one to watch for (like `tail -f`).
    let offClosed = () => {}
    const stop = () => {
      offClosed()
      clearInterval(timer)
      process.off('SIGINT', stop)
      signal?.removeEventListener('abort', stop)
      ctx.engine.events.off('entry', onEntry)
      resolve()
    }
    ctx.engine.events.on('entry', onEntry)
    process.once('SIGINT', stop)
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop)
    if (ctx.io === processOutput) offClosed = onStdoutClosed(stop)
  })
}

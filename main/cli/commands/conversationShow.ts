import type { Command } from 'commander'
import { describeOrigin, originOf } from '../../bundles/origin'
import type { CliContext } from '../context'
import { pc, toJson } from '../output'
import type { Wrap } from '../program'
import { safeText } from '../safeText'
import { formatTime } from '../timeFormat'
import { conversationOf } from './resolve'

function showAction(ctx: CliContext, name: string, opts: { json?: boolean }): void {
  const conv = conversationOf(ctx, name)
  const { stacks } = ctx.engine.deps
  const agents = stacks.agentsOf(conv.id).map((agent) => {
    const branch = stacks.currentBranch(conv.id, agent)
    return { agent, branch, length: stacks.length(conv.id, agent, branch), branches: stacks.listBranches(conv.id, agent).length }
  })
  const origin = originOf(ctx.store.db, 'conversation', conv.id)
  const history = origin ? (ctx.store.db.prepare('SELECT COUNT(*) FROM bundle_transfers WHERE conversation_id = ?').pluck().get(conv.id) as number) : 0
  if (opts.json) return ctx.io.out(toJson({ id: conv.id, name: conv.name, rootAgent: conv.rootAgent, createdAt: conv.createdAt, agents, origin, historyTransfers: history }))
  ctx.io.out(pc.bold(`Conversation ${safeText(conv.name)} (${conv.id})`))
  ctx.io.out(`root agent ${conv.rootAgent}, created ${formatTime(conv.createdAt)}`)
  if (origin) ctx.io.out(pc.cyan(describeOrigin(origin, conv.id)))
  if (history > 0) ctx.io.out(pc.dim(`${history} ledger transfer${history === 1 ? '' : 's'} of the source run kept as history (not in this ledger's balances)`))
  for (const a of agents) ctx.io.out(`  ${a.agent}: branch ${a.branch} (${a.length} entries), ${a.branches} branch${a.branches === 1 ? '' : 'es'}`)
}

/** `p2engine conversation show <conversation>`: summary with agents, branches and, when imported, the bundle it came from. */
export function registerConversationShow(conv: Command, wrap: Wrap): void {
  conv.command('show <conversation>').description('agents, branches and origin (the bundle an imported conversation came from)').option('--json', 'print JSON').action(wrap(showAction))
}

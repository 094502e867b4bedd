import type { Command } from 'commander'
import { UserInputError } from '../../engine/errors'
import { asBranchId, isSyntheticMarker } from '../../engine/schema/states'
import { idleCut } from '../../engine/stacks/idleCut'
import { branchStatus } from '../../engine/runtime/tail'
import type { CliContext } from '../context'
import { intOption } from './options'
import { pc, table, toJson } from '../output'
import { safeText } from '../safeText'
import type { Wrap } from '../program'
import { ChatView } from './chatView'
import { watchConversation } from './conversationWatch'
import { agentOf, branchOf, conversationOf, indexArg } from './resolve'
import { formatTime } from '../timeFormat'
import { entryRow } from './stackFormat'
import { registerConversationShow } from './conversationShow'

interface AgentOpt { agentId?: string }
interface JsonOpt { json?: boolean }

const DAY_MS = 86_400_000

/** The conversation and agent stack a command works on. */
function target(ctx: CliContext, name: string, agentId?: string) {
  const conv = conversationOf(ctx, name)
  return { conv, agent: agentOf(ctx, conv, agentId), stacks: ctx.engine.deps.stacks }
}

function listAction(ctx: CliContext, opts: JsonOpt): void {
  const { stacks } = ctx.engine.deps
  const rows = stacks.listConversations().map((c) => {
    const branch = stacks.currentBranch(c.id, c.rootAgent)
    return { name: c.name, agent: c.rootAgent, id: c.id, createdAt: c.createdAt, branch, length: stacks.length(c.id, c.rootAgent, branch) }
  })
  if (opts.json) return ctx.io.out(toJson(rows))
  if (!rows.length) return ctx.io.out('No active conversations.')
  ctx.io.out(table('Active Conversations', ['Name', 'Agent', 'ID', 'Created', 'Branch', 'Length'],
    rows.map((r) => [safeText(r.name), r.agent, r.id, formatTime(r.createdAt), r.branch, r.length]), { nowrap: ['ID'] }))
}

function stackAction(ctx: CliContext, name: string, opts: AgentOpt & JsonOpt & { n: number; branch?: string }): void {
  const { conv, agent, stacks } = target(ctx, name, opts.agentId)
  const branch = branchOf(ctx, conv, agent, opts.branch) ?? stacks.currentBranch(conv.id, agent)
  const entries = stacks.read(conv.id, agent, branch, opts.n > 0 ? { limit: opts.n } : {}).filter((e) => !isSyntheticMarker(e.state))
  if (opts.json) return ctx.io.out(toJson({ conversation: conv.id, name: conv.name, agent, branch, entries }))
  if (!entries.length) return ctx.io.out(`No interactions for conversation=${conv.name}, branch=${branch}.`)
  ctx.io.out(table(`Stack for conversation ${conv.name} (agent ${agent}, branch ${branch})`, ['Index', 'Time', 'Kind', 'Content'], entries.map(entryRow)))
}

function branchesAction(ctx: CliContext, name: string, opts: AgentOpt & JsonOpt): void {
  const { conv, agent, stacks } = target(ctx, name, opts.agentId)
  const branches = stacks.listBranches(conv.id, agent)
  if (opts.json) return ctx.io.out(toJson(branches))
  ctx.io.out(table(`Branches for conversation ${conv.name} (agent ${agent})`, ['Branch', 'Parent', 'Fork index', 'Length', 'Last', 'Current'],
    branches.map((b) => [b.branch, b.parent ?? '–', b.forkIndex ?? '–', b.length, formatTime(b.lastTs), b.current ? '*' : ''])))
}

function rewindAction(ctx: CliContext, name: string, idxArg: string, opts: AgentOpt & JsonOpt & { branch?: boolean }): void {
  const { conv, agent, stacks } = target(ctx, name, opts.agentId)
  const requested = indexArg(idxArg)
  const original = stacks.currentBranch(conv.id, agent)
  // Never keep a tool round without its results: the branch would wait for them forever.
  const cut = idleCut(stacks.read(conv.id, agent, original), requested)
  if (cut.index < 0) throw new UserInputError(`cannot rewind to index ${requested}: ${cut.reason?.replace(/: kept .*$/, '')}, and nothing before it can be kept`, 'REWIND_NOTHING_LEFT')
  const index = cut.index
  const fork = opts.branch !== false
  if (!fork && cut.reason) {
    // Destructive: never remove more than was asked for; say which cut is safe instead.
    throw new UserInputError(`cannot trim branch ${original} to index ${requested}: ${cut.reason.replace(/: kept .*$/, '')}. Trim to ${index} (\`p2engine conversation rewind ${conv.name} ${index} --no-branch\`) or fork with --branch, which moves the cut for you`, 'REWIND_INSIDE_TOOL_ROUND')
  }
  const info = fork ? stacks.fork(conv.id, agent, original, index) : stacks.rewind(conv.id, agent, original, index)
  const next = branchStatus(stacks.read(conv.id, agent, info.branch))
  const unanswered = next.kind === 'needs_turn' ? `Message ${next.trigger.index} has no answer on this branch yet; \`p2engine chat resume ${conv.name}\` answers it` : null
  if (opts.json) {
    return ctx.io.out(toJson({ mode: fork ? 'fork' : 'rewind', ...(fork ? { from: original } : {}), ...info, requested, kept: index, note: cut.reason ?? null, status: next.kind }))
  }
  if (cut.reason) ctx.io.out(pc.yellow(`Note: ${cut.reason}.`))
  if (fork) {
    ctx.io.out(pc.green(`Created new branch ${info.branch} from index ${index}`))
    ctx.io.out(`Original branch '${original}' preserved with ${stacks.length(conv.id, agent, original)} messages`)
    ctx.io.out(`Now on branch ${info.branch} at index ${index}`)
  } else {
    ctx.io.out(pc.yellow(`⚠️  Rewound branch '${info.branch}' to index ${index} (destructive)`))
    ctx.io.out(`Messages after index ${index} have been permanently removed`)
  }
  if (unanswered) ctx.io.out(pc.dim(unanswered))
}

function pruneAction(ctx: CliContext, name: string, opts: AgentOpt & JsonOpt & { keepDays: number; execute?: boolean }): void {
  const { conv, agent, stacks } = target(ctx, name, opts.agentId)
  const r = stacks.prune(conv.id, agent, { olderThan: Date.now() - opts.keepDays * DAY_MS, dryRun: !opts.execute })
  if (opts.json) return ctx.io.out(toJson(r))
  if (!r.candidates.length) return ctx.io.out('No branches to prune')
  ctx.io.out(table(opts.execute ? 'Branches to Delete' : 'Branches to Prune', ['Branch ID', 'Last Modified'],
    r.candidates.map((b) => [b.branch, formatTime(b.lastTs)])))
  if (!opts.execute) return ctx.io.out('Run with --execute to actually delete these branches')
  for (const b of r.candidates) ctx.io.out(`Deleted branch ${b.branch}`)
}

async function answerAction(ctx: CliContext, name: string, text: string, opts: JsonOpt): Promise<void> {
  const conv = conversationOf(ctx, name)
  const view = new ChatView(ctx.engine, conv, ctx.io, Boolean(opts.json))
  try {
    const waiting = ctx.engine.deps.stacks.agentsOf(conv.id).find((a) => ctx.engine.status(conv.id, a).kind === 'awaiting_human')
    if (waiting && !opts.json) ctx.io.out(pc.dim(`Answer delivered to ${waiting} (branch ${ctx.engine.deps.stacks.currentBranch(conv.id, waiting)}).`))
    ctx.engine.answer(conv.id, text)
    await ctx.engine.whenIdle(conv.id)
  } finally {
    view.detach()
  }
  if (opts.json) ctx.io.out(toJson({ conversation: conv.id, name: conv.name, ...view.report }))
}

/** `p2engine conversation …`: the original's names and options; names resolve to ids everywhere. */
export function registerConversationCommands(program: Command, wrap: Wrap): void {
  const conv = program.command('conversation').description('conversations: stacks, branches, rewind, checkout, prune, watch, human answers')
  const agentOption = (c: Command) => c.option('--agent-id <id>', "agent whose stack to use (default: the conversation's root agent)")

  conv.command('list').description('all conversations').option('--json', 'print JSON').action(wrap(listAction))
  registerConversationShow(conv, wrap)

  agentOption(conv.command('stack <conversation>').description('entries of a stack (newest last)'))
    .option('--n <n>', 'how many of the newest entries (0: all)', intOption('--n'), 10)
    .option('--branch <id>', 'branch to show (default: the checked-out one)')
    .option('--json', 'print JSON')
    .action(wrap(stackAction))

  agentOption(conv.command('branches <conversation>').description('branches with parent, fork index, length, last entry time'))
    .option('--json', 'print JSON')
    .action(wrap(branchesAction))

  agentOption(conv.command('rewind <conversation> <index>').description('fork a new branch keeping entries 0..INDEX (default), or trim the current branch with --no-branch; a cut inside an unanswered tool round moves back before it'))
    .option('--branch', 'fork a new branch keeping 0..INDEX and check it out (the default)')
    .option('--no-branch', 'destructive: trim the checked-out branch to 0..INDEX instead of forking')
    .option('--json', 'print JSON')
    .action(wrap(rewindAction))

  agentOption(conv.command('checkout <conversation> <branch>').description('make BRANCH the checked-out branch'))
    .action(wrap((ctx, name: string, branch: string, opts: AgentOpt) => {
      const { conv: c, agent, stacks } = target(ctx, name, opts.agentId)
      const info = stacks.checkout(c.id, agent, asBranchId(branch))
      ctx.io.out(`Checked out branch ${info.branch}.`)
    }))

  agentOption(conv.command('prune <conversation>').description('delete old branches (not main, not the current one); dry run unless --execute'))
    .option('--keep-days <n>', 'keep branches with an entry newer than this many days', intOption('--keep-days'), 7)
    .option('--execute', 'really delete (default: dry run)')
    .option('--json', 'print JSON')
    .action(wrap(pruneAction))

  agentOption(conv.command('watch <conversation>').description('print new stack entries as they are pushed (also by other processes); Ctrl-C stops'))
    .option('--once', 'print the current stack and exit')
    .action(wrap((ctx, name: string, opts: AgentOpt & { once?: boolean }) => watchConversation(ctx, name, opts)))

  conv.command('answer <conversation> <text>')
    .description('answer the open human-in-the-loop request, then show what the conversation did next')
    .option('--json', 'print JSON')
    .action(wrap(answerAction))
}

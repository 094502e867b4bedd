import type { Command } from 'commander'
import { describeOrigin, originOf } from '../../bundles/origin'
import { UserInputError } from '../../engine/errors'
import type { ArtifactQuery } from '../../engine/ports/artifacts'
import { ArtifactTypeSchema, type ArtifactHeader } from '../../engine/schema/artifacts'
import type { CliContext } from '../context'
import { fitLine, pc, toJson } from '../output'
import { terminalWidth } from '../tableLayout'
import { formatTime } from '../timeFormat'
import type { Wrap } from '../program'
import { intOption, isoOption } from './options'
import { short } from './stackFormat'

interface ShowOpts { branch?: string; limit: number; tag?: string; since?: string; type?: string; json?: boolean }

/** What an artifact is, for display: the state kind for states, else its type (or role when a header lacks one). */
export const labelOf = (h: Pick<ArtifactHeader, 'type' | 'role' | 'stateKind'>): string =>
  (h.type === 'state' && h.stateKind ? h.stateKind : (h.type as string | undefined) ?? h.role)

/** The session id of `artifact show`: a conversation name/id, or a raw session id (`ledger:<party>`, `eval`). */
function sessionOf(ctx: CliContext, nameOrId: string): string {
  const conv = ctx.engine.deps.stacks.findConversation(nameOrId)
  if (conv) return conv.id
  if (ctx.engine.deps.artifacts.query({ sessionId: nameOrId, limit: 1 }).length) return nameOrId
  const known = ctx.engine.deps.stacks.listConversations().map((c) => c.name)
  throw new UserInputError(`no conversation or artifact session "${nameOrId}"${known.length ? `; conversations: ${known.slice(0, 10).join(', ')}` : ''}`, 'UNKNOWN_CONVERSATION')
}

function showAction(ctx: CliContext, name: string, opts: ShowOpts): void {
  if (opts.limit < 1) throw new UserInputError(`--limit must be at least 1, got ${opts.limit}`, 'BAD_LIMIT')
  let type: ArtifactQuery['type']
  if (opts.type !== undefined) {
    const r = ArtifactTypeSchema.safeParse(opts.type)
    if (!r.success) throw new UserInputError(`--type "${opts.type}" is not an artifact type; expected one of ${ArtifactTypeSchema.options.join(', ')}`, 'BAD_TYPE')
    type = r.data
  }
  const sessionId = sessionOf(ctx, name)
  const { artifacts } = ctx.engine.deps
  const headers = artifacts.query({
    sessionId,
    limit: opts.limit,
    ...(opts.branch !== undefined ? { branchId: opts.branch } : {}),
    ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
    ...(opts.since !== undefined ? { since: Date.parse(opts.since) } : {}),
    ...(type ? { type } : {}),
  })
  if (opts.json) return ctx.io.out(toJson(headers))
  const origin = originOf(ctx.store.db, 'conversation', sessionId)
  if (origin) ctx.io.out(pc.cyan(describeOrigin(origin, sessionId)))
  if (!headers.length) return ctx.io.out('No artifacts match the filters.')
  // Two lines per artifact, so the ref (for `artifact cat`) is never wrapped: what, then its content.
  const width = terminalWidth()
  headers.forEach((h, i) => {
    ctx.io.out(fitLine(`${String(i + 1).padStart(3, '0')}  ${formatTime(h.ts)}  ${pc.dim(h.ref)}  ${labelOf(h).padEnd(17)}  ${h.agentId}@${h.branchId}`, width))
    ctx.io.out(fitLine(`     ${short(artifacts.get(h.ref).payload, width)}`, width))
  })
}

function catAction(ctx: CliContext, ref: string, opts: { json?: boolean }): void {
  const a = ctx.engine.deps.artifacts.get(ref.trim())
  if (opts.json) return ctx.io.out(toJson(a))
  const h = a.header
  ctx.io.out(pc.bold(`# ${formatTime(h.ts)}  (${labelOf(h)})  session=${h.sessionId}  agent=${h.agentId}  branch=${h.branchId}  step=${h.stepIdx}`))
  if (h.tags.length) ctx.io.out(pc.dim(`# tags: ${h.tags.join(', ')}`))
  const origin = originOf(ctx.store.db, 'conversation', h.sessionId)
  if (origin) ctx.io.out(pc.dim(`# ${describeOrigin(origin, h.sessionId)}`))
  if (h.parentRefs.length) ctx.io.out(pc.dim(`# parents: ${h.parentRefs.join(', ')}`))
  ctx.io.out(typeof a.payload === 'string' && h.mime === 'text/plain' ? a.payload : toJson(a.payload))
}

function diffAction(ctx: CliContext, ref1: string, ref2: string): void {
  const d = ctx.engine.deps.artifacts.diff(ref1.trim(), ref2.trim())
  if (d === '') return ctx.io.out('No differences.')
  ctx.io.out(d.split('\n').map((l) => (l.startsWith('+') ? pc.green(l) : l.startsWith('-') ? pc.red(l) : l.startsWith('@@') ? pc.cyan(l) : l)).join('\n'))
}

/** `p2engine artifact show|cat|diff`. */
export function registerArtifactCommands(program: Command, wrap: Wrap): void {
  const artifact = program.command('artifact').description('everything that happened: states, tool results, ledger events, metrics, evaluations')

  artifact
    .command('show <conversation>')
    .description('newest artifacts of a conversation (name or id) or session id, with filters')
    .option('--branch <id>', 'only this branch')
    .option('--limit <n>', 'most artifacts to show', intOption('--limit'), 50)
    .option('--tag <tag>', 'only artifacts with this tag')
    .option('--since <iso>', 'only artifacts at or after this ISO-8601 time', isoOption('--since'))
    .option('--type <type>', `only this type: ${ArtifactTypeSchema.options.join(' | ')}`)
    .option('--json', 'print JSON')
    .action(wrap(showAction))

  artifact
    .command('cat <ref>')
    .description('header and payload of one artifact')
    .option('--json', 'print JSON')
    .action(wrap(catAction))

  artifact
    .command('diff <ref1> <ref2>')
    .description('unified diff of two JSON payloads')
    .action(wrap(diffAction))
}

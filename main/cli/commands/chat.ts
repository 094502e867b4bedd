import type { Command } from 'commander'
import { UserInputError } from '../../engine/errors'
import type { Conversation } from '../../engine/ports/stacks'
import { MAIN_BRANCH } from '../../engine/schema/states'
import type { CliContext } from '../context'
import { describeError } from '../errors'
import { pc, toJson } from '../output'
import type { Wrap } from '../program'
import { ModelRouter } from '../../engine/models/router'
import { ChatView } from './chatView'
import { inputOf, type LineReader } from './lineInput'
import { agentOf, conversationOf } from './resolve'

/** A fresh conversation name for scripts that give none: `<agent>-<yyyymmdd-hhmmss>-<4 hex>`. */
export function generatedName(agent: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${agent}-${stamp}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`
}

/** Forks when the branch ended with a Finished marker, so the chat can go on (§9.3 step 4). */
function forkIfFinished(ctx: CliContext, conv: Conversation): void {
  const { stacks } = ctx.engine.deps
  if (ctx.engine.status(conv.id, conv.rootAgent).kind !== 'finished') return
  const b = stacks.fork(conv.id, conv.rootAgent, undefined, stacks.length(conv.id, conv.rootAgent) - 1)
  ctx.io.out(pc.yellow(`ℹ️  Previous branch finished; forked to ${b.branch}`))
}

/** Sends one message and waits until the conversation is idle; the view prints what happens. */
async function turn(ctx: CliContext, conv: Conversation, view: ChatView, text: string, agentId?: string): Promise<void> {
  view.reset()
  forkIfFinished(ctx, conv)
  ctx.engine.send(conv.id, text, agentId ? { agentId } : {})
  await ctx.engine.whenIdle(conv.id)
  view.endLine()
}

/** Work left over by a stopped process (a message without answer, tools without results) is continued. */
async function continueUnfinished(ctx: CliContext, conv: Conversation, view: ChatView): Promise<void> {
  const status = ctx.engine.status(conv.id, conv.rootAgent).kind
  if (status === 'awaiting_human') {
    ctx.io.out(pc.yellow(`${conv.rootAgent} is waiting for a human answer: use \`p2engine conversation answer ${conv.name} TEXT\`.`))
  }
  if (status !== 'needs_turn' && status !== 'awaiting_tools') return
  ctx.io.out(pc.dim('Continuing unfinished work of this conversation…'))
  ctx.engine.resume(conv.id)
  await ctx.engine.whenIdle(conv.id)
  view.endLine()
}

/** Says at chat start when the root agent's model resolves to the offline scripted model (and why). */
async function noteOffline(ctx: CliContext, conv: Conversation, view: ChatView): Promise<void> {
  const def = ctx.engine.requireAgent(conv.rootAgent)
  if (def.type !== 'llm' || ctx.globals.replay) return
  const model = ctx.engine.deps.overrides.get(conv.id, conv.rootAgent)?.values.model ?? def.llm_model
  const { apiBase, apiKey } = ctx.config.settings.llm
  try {
    const r = await new ModelRouter({ apiBase, ...(apiKey ? { apiKey } : {}) }).resolve(model)
    if (!r.offline) return
    ctx.io.out(pc.yellow(`ℹ️  Replies come from the offline scripted model (${r.reason}).`))
    view.offlineAlreadyNoted()
  } catch {
    // A bad model id is reported by the first turn.
  }
}

/** The chat loop: `You: ` lines until `exit`/`quit` or end of input. */
async function chatLoop(ctx: CliContext, conv: Conversation, reader: LineReader): Promise<void> {
  const view = new ChatView(ctx.engine, conv, ctx.io)
  try {
    await noteOffline(ctx, conv, view)
    await continueUnfinished(ctx, conv, view)
    for (;;) {
      const line = await reader.read('You: ')
      if (line === null) break
      const text = line.trim()
      if (text === '') continue
      if (/^(exit|quit)$/i.test(text)) break
      try {
        await turn(ctx, conv, view, text)
      } catch (err) {
        if (!(err instanceof UserInputError)) throw err
        view.endLine()
        ctx.io.err(pc.red(describeError(err)))
      }
    }
  } finally {
    view.detach()
  }
  ctx.io.out('Exiting chat mode.')
}

async function withInput(ctx: CliContext, fn: (reader: LineReader) => Promise<void>): Promise<void> {
  const { reader, owned } = inputOf(ctx.io)
  try {
    await fn(reader)
  } finally {
    if (owned) reader.close()
  }
}

function resumeHeader(ctx: CliContext, conv: Conversation): void {
  ctx.io.out(`Resumed chat with ${conv.rootAgent} (Name: ${conv.name}, ID: ${conv.id}). Type 'exit' to quit.`)
  const branch = ctx.engine.deps.stacks.currentBranch(conv.id, conv.rootAgent)
  if (branch !== MAIN_BRANCH) ctx.io.out(`Currently on branch: ${branch}`)
}

/** `chat with AGENT [--name N]`. */
async function chatWith(ctx: CliContext, agentId: string, opts: { name?: string }): Promise<void> {
  ctx.engine.requireAgent(agentId)
  await withInput(ctx, async (reader) => {
    let name = opts.name?.trim()
    if (name === undefined) {
      if (process.stdin.isTTY) {
        const typed = await reader.read('Enter a name for this conversation: ')
        name = typed?.trim() ?? ''
        if (name === '') throw new UserInputError('Conversation name cannot be empty.', 'BAD_CONVERSATION')
      } else name = generatedName(agentId)
    }
    if (name === '') throw new UserInputError('Conversation name cannot be empty.', 'BAD_CONVERSATION')
    const existing = ctx.engine.deps.stacks.findConversation(name)
    if (existing) {
      if (existing.rootAgent !== agentId) {
        throw new UserInputError(`conversation ${name} already exists with agent ${existing.rootAgent}; use \`p2engine chat resume ${name}\` or pick another --name`, 'CONVERSATION_EXISTS')
      }
      resumeHeader(ctx, existing)
      return chatLoop(ctx, existing, reader)
    }
    const conv = ctx.engine.startConversation({ agentId, name, metadata: { isCli: true } })
    ctx.io.out(`Entering chat with ${agentId} (Name: ${conv.name}, ID: ${conv.id}). Type 'exit' to quit.`)
    await chatLoop(ctx, conv, reader)
  })
}

/** `p2engine chat …`: interactive chats with an agent, and one-shot `send` for scripts. */
export function registerChatCommands(program: Command, wrap: Wrap): void {
  const chat = program.command('chat').description('chat with an agent (tool calls, delegations, payments and streamed tokens are shown)')

  chat
    .command('with <agent>')
    .description("start a chat (an existing --name resumes it); reads lines from stdin when it is not a terminal; 'exit' quits")
    .option('--name <name>', 'conversation name (generated when stdin is not a terminal)')
    .action(wrap(chatWith))

  chat
    .command('resume <name>')
    .description('continue a chat by name or id')
    .action(wrap(async (ctx, name: string) => {
      const conv = conversationOf(ctx, name)
      resumeHeader(ctx, conv)
      await withInput(ctx, (reader) => chatLoop(ctx, conv, reader))
    }))

  chat
    .command('send <conversation> <text>')
    .description('send one message, wait until the conversation is idle, print what happened and the answer')
    .option('--agent-id <id>', 'send to this agent of the conversation instead of the root agent')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, name: string, text: string, opts: { agentId?: string; json?: boolean }) => {
      const conv = conversationOf(ctx, name)
      const agent = agentOf(ctx, conv, opts.agentId)
      const view = new ChatView(ctx.engine, conv, ctx.io, Boolean(opts.json))
      try {
        await turn(ctx, conv, view, text, opts.agentId ? agent : undefined)
      } finally {
        view.detach()
      }
      if (opts.json) {
        const branch = ctx.engine.deps.stacks.currentBranch(conv.id, agent)
        ctx.io.out(toJson({ conversation: conv.id, name: conv.name, agent, branch, ...view.report }))
      }
    }))
}

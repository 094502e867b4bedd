import { basename } from 'node:path'
import type { Command } from 'commander'
import { UserInputError } from '../../engine/errors'
import { parseModelId } from '../../engine/models/modelId'
import type { Conversation } from '../../engine/ports/stacks'
import { OVERRIDE_KEYS, OverridePatchSchema, type OverridePatch } from '../../engine/schema/overrides'
import type { AgentId } from '../../engine/schema/states'
import type { CliContext } from '../context'
import { pc, table, toJson } from '../output'
import type { Wrap } from '../program'
import { agentOf, conversationOf } from './resolve'
import { listMcpTools } from './configTools'
import { EXIT } from '../errors'

interface LockOpt { lock?: boolean; agentId?: string }

/** Tool names from a CSV (`none` → no tools); unknown names → "Unknown tools: a, b". */
export function parseToolList(ctx: CliContext, csv: string): string[] {
  if (csv.trim().toLowerCase() === 'none') return []
  const names = csv.split(',').map((s) => s.trim()).filter(Boolean)
  if (!names.length) throw new UserInputError('no tool names given; pass a comma-separated list or "none"', 'UNKNOWN_TOOL')
  checkTools(ctx, names)
  return names
}

function checkTools(ctx: CliContext, names: readonly string[]): void {
  const { tools } = ctx.engine.deps
  const unknown = names.filter((n) => !tools.has(n) && !tools.owns(n))
  if (unknown.length) throw new UserInputError(`Unknown tools: ${unknown.join(', ')} (known: ${tools.names().join(', ')})`, 'UNKNOWN_TOOL')
}

function checkPersona(ctx: CliContext, name: string): void {
  const known = ctx.engine.deps.templates.personas()
  if (!known.includes(name)) {
    throw new UserInputError(`unknown behavior template "${name}"; known: ${known.join(', ')} (or "none")`, 'UNKNOWN_TEMPLATE')
  }
}

/** Parses and validates the JSON of `set-override`: strict keys, value types, tools, persona, model id. */
export function parseOverrideJson(ctx: CliContext, json: string): OverridePatch {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (err) {
    throw new UserInputError(`override JSON is not valid JSON: ${(err as Error).message} (got ${JSON.stringify(json)})`, 'BAD_OVERRIDE')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserInputError(`override JSON must be an object like {"temperature": 0.2}, got ${json}`, 'BAD_OVERRIDE')
  }
  const unknown = Object.keys(value).filter((k) => !(OVERRIDE_KEYS as readonly string[]).includes(k))
  if (unknown.length) {
    throw new UserInputError(`unknown override key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${OVERRIDE_KEYS.join(', ')}`, 'BAD_OVERRIDE')
  }
  const r = OverridePatchSchema.safeParse(value)
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      const key = i.path.join('.')
      const got = i.path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k as string], value)
      return `${key}: ${i.message} (got ${JSON.stringify(got)})`
    })
    throw new UserInputError(`invalid override: ${problems.join('; ')}`, 'BAD_OVERRIDE')
  }
  const patch = r.data
  if (patch.tools) checkTools(ctx, patch.tools)
  if (typeof patch.behavior_template === 'string') checkPersona(ctx, patch.behavior_template)
  if (typeof patch.model === 'string') parseModelId(patch.model)
  return patch
}

/** Applies a patch under the conversation's ID (the original wrote under the name, so nothing happened). */
function apply(ctx: CliContext, conv: Conversation, agent: AgentId, patch: OverridePatch, lock?: boolean) {
  return ctx.engine.deps.overrides.patch(conv.id, agent, patch, { lock: Boolean(lock) })
}

function showOverrides(ctx: CliContext, name: string, opts: { json?: boolean }): void {
  const conv = conversationOf(ctx, name)
  const agents = new Set<string>([...ctx.engine.deps.stacks.agentsOf(conv.id), ...ctx.engine.agentIds()])
  const rows = [...agents].flatMap((agent) => {
    const o = ctx.engine.deps.overrides.get(conv.id, agent)
    return o && (Object.keys(o.values).length || o.locked) ? [{ agent, ...o }] : []
  })
  if (opts.json) return ctx.io.out(toJson({ conversation: conv.id, name: conv.name, overrides: rows }))
  if (!rows.length) return ctx.io.out(`No overrides set for ${conv.name}`)
  ctx.io.out(table(`Overrides for ${conv.name} (ID: ${conv.id})`, ['Agent', 'Key', 'JSON Value', 'Locked'],
    rows.flatMap((r) => {
      const entries = Object.entries(r.values)
      return entries.length ? entries.map(([k, v]) => [r.agent, k, JSON.stringify(v), r.locked ? 'yes' : '']) : [[r.agent, '–', '–', r.locked ? 'yes' : '']]
    })))
}

/** `config set-behavior|set-tools|set-override|show-overrides|show-tools`, added to the `config` command. */
export function registerOverrideCommands(config: Command, wrap: Wrap): void {
  const lockOption = '--lock'
  const lockHelp = 'lock the overrides: later changes need --lock too'
  const agentHelp = "agent to override (default: the conversation's root agent)"

  config
    .command('set-behavior <conversation> <template>')
    .description('persona of the agent in this conversation ("none" for no persona)')
    .option(lockOption, lockHelp)
    .option('--agent-id <id>', agentHelp)
    .action(wrap((ctx, name: string, template: string, opts: LockOpt) => {
      const conv = conversationOf(ctx, name)
      const agent = agentOf(ctx, conv, opts.agentId)
      const value = template.trim().toLowerCase() === 'none' ? null : template.trim()
      if (value !== null) checkPersona(ctx, value)
      apply(ctx, conv, agent, { behavior_template: value }, opts.lock)
      ctx.io.out(pc.green(`Behavior for ${conv.name} (agent ${agent}) set to ${value ?? 'none'} (lock=${Boolean(opts.lock)})`))
    }))

  config
    .command('set-tools <conversation> <tools>')
    .description('comma-separated tools the agent may use in this conversation ("none" for no tools)')
    .option(lockOption, lockHelp)
    .option('--agent-id <id>', agentHelp)
    .action(wrap((ctx, name: string, csv: string, opts: LockOpt) => {
      const conv = conversationOf(ctx, name)
      const agent = agentOf(ctx, conv, opts.agentId)
      const tools = parseToolList(ctx, csv)
      apply(ctx, conv, agent, { tools }, opts.lock)
      ctx.io.out(pc.green(`Tool overrides set for conversation ${conv.name} (agent ${agent}): ${tools.length ? tools.join(', ') : 'none'} (lock=${Boolean(opts.lock)})`))
    }))

  config
    .command('set-override <conversation> <agent> <json>')
    .description(`patch overrides with a JSON object (keys: ${OVERRIDE_KEYS.join(', ')}; null removes a key)`)
    .option(lockOption, lockHelp)
    .action(wrap((ctx, name: string, agentId: string, json: string, opts: LockOpt) => {
      const conv = conversationOf(ctx, name)
      const agent = agentOf(ctx, conv, agentId)
      const patch = parseOverrideJson(ctx, json)
      const stored = apply(ctx, conv, agent, patch, opts.lock)
      ctx.io.out(pc.green(`Overrides for ${agent} in ${conv.name} are now ${JSON.stringify(stored.values)} (lock=${stored.locked})`))
    }))

  config
    .command('show-overrides <conversation>')
    .description('runtime overrides of every agent in a conversation')
    .option('--json', 'print JSON')
    .action(wrap(showOverrides))

  config
    .command('show-tools')
    .description('tools agents can use: built-in, custom (config/tools/, with the file) and of the MCP servers (started to list their tools, then stopped; --json: full paths)')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, opts: { json?: boolean }) => {
      const { tools: rows, failed } = await listMcpTools(ctx)
      if (failed.length) ctx.exitCode = EXIT.config
      for (const f of failed) ctx.io.err(`✗ ${f.error}`)
      if (opts.json) return ctx.io.out(toJson(rows))
      if (!rows.length) return ctx.io.out('No tools are registered.')
      ctx.io.out(table('Available Tools', ['Tool Name', 'Description', 'Source', 'Side-effect free', 'Cache TTL'],
        rows.map((r) => [r.name, r.description, r.file ? `${r.source}: ${basename(r.file)}` : r.source, r.sideEffectFree ? 'yes' : 'no', r.cacheTtl === null ? '–' : `${r.cacheTtl} s`])))
    }))
}

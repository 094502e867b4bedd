import { Command, CommanderError } from 'commander'
import type { CliContextBase, GlobalOptions } from './contextBase'
import { describeError, exitCodeOf } from './errors'
import { safeText } from './safeText'
import { processOutput, safeOutput, type Output } from './output'
import { COMMAND_GROUPS, groupsFor, wantsVersion, type CommandGroup, type Registrar } from './commandGroups'
import { loadServices, type ServiceNeeds } from './services/load'
import { APP_VERSION } from './version'

/** A command action: gets the shared context and its own parsed options. */
export type Action<A extends unknown[]> = (ctx: CliContextBase, ...args: A) => Promise<void> | void

/** A command group's registration function with what its actions need from the context. */
export interface LoadedGroup {
  readonly register: Registrar
  readonly needs: ServiceNeeds
}

/** Imports the implementation of the given command groups (all of them by default). */
export async function loadGroups(groups: readonly CommandGroup[] = COMMAND_GROUPS): Promise<LoadedGroup[]> {
  return Promise.all(groups.map(async (g) => ({ register: await g.load(), needs: g.needs })))
}

/**
 * Builds the `p2engine` command tree from loaded command groups (see {@link loadGroups}). Each
 * action gets a fresh context carrying only the services its group needs.
 */
export function buildProgram(groups: readonly LoadedGroup[], rawIo: Output = processOutput, env: NodeJS.ProcessEnv = process.env) {
  // Everything printed goes through one terminal-safe output (control characters escaped).
  const io = safeOutput(rawIo)
  const program = new Command('p2engine')
    .description('P2Engine: multi-agent LLM workbench with a Daml-semantics ledger')
    .option('-c, --config <dir>', 'config folder (env P2ENGINE_CONFIG_DIR, default ./config)')
    .option('--home <dir>', 'state folder (env P2ENGINE_HOME, default the OS app-data folder)')
    .option('--ledger-backend <name>', 'embedded | canton (env LEDGER_BACKEND)')
    .option('--replay', 'answer model calls only from earlier recordings (no network; a missing recording is an error)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(safeText(s.replace(/\n$/, ''))) })
    .exitOverride()

  let exitCode = 0
  /** Wraps an action: builds the context from global options, closes it afterwards. */
  const wrapFor = (needs: ServiceNeeds): Wrap => <A extends unknown[]>(action: Action<A>) =>
    async (...args: A) => {
      // The context (config loading: yaml, zod) is imported when an action runs, not for help or --version.
      const [{ CliContextBase }, services] = await Promise.all([import('./contextBase'), loadServices(needs)])
      const ctx = new CliContextBase(program.opts<GlobalOptions>(), io, env, services)
      try {
        await action(ctx, ...args)
      } catch (err) {
        ctx.logFailure(err)
        throw err
      } finally {
        exitCode = ctx.exitCode
        await ctx.close()
      }
    }

  for (const g of groups) g.register(program, wrapFor(g.needs))
  return { program, exitCode: () => exitCode }
}

export type Wrap = <A extends unknown[]>(action: Action<A>) => (...args: A) => Promise<void>

/** Parses argv and runs; returns the exit code instead of exiting (the shell and tests reuse it). */
export async function runCli(argv: string[], rawIo: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const io = safeOutput(rawIo)
  if (wantsVersion(argv)) {
    io.out(APP_VERSION)
    return 0
  }
  // Only the command group that runs is imported (help and unknown commands load them all).
  const { program, exitCode } = buildProgram(await loadGroups(groupsFor(argv)), io, env)
  program.commands.forEach(function applyExitOverride(c: Command) {
    c.exitOverride()
    c.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(safeText(s.replace(/\n$/, ''))) })
    c.commands.forEach(applyExitOverride)
  })
  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode()
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version output are successes; parse errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2
    }
    io.err(describeError(err))
    return exitCodeOf(err)
  }
}

import { Command, CommanderError } from 'commander'
import { CliContext, type GlobalOptions } from './context'
import { describeError, exitCodeOf } from './errors'
import { safeText } from './safeText'
import { processOutput, safeOutput, type Output } from './output'
import { registerLedgerCommands } from './commands/ledger'
import { registerConfigCommands } from './commands/config'
import { registerUiCommand } from './commands/ui'
import { registerAgentCommands } from './commands/agent'
import { registerChatCommands } from './commands/chat'
import { registerConversationCommands } from './commands/conversation'
import { registerArtifactCommands } from './commands/artifact'
import { registerShellCommand } from './commands/shell'
import { registerRolloutCommands } from './commands/rollout'
import { registerEvalCommands } from './commands/eval'
import { registerDoctorCommand } from './commands/doctor'
import { registerBackupCommands } from './commands/backup'
import { registerLogsCommand } from './commands/logs'

/** A command action: gets the shared context and its own parsed options. */
export type Action<A extends unknown[]> = (ctx: CliContext, ...args: A) => Promise<void> | void

/** Builds the whole `p2engine` command tree. `run` wires each action to a fresh context. */
export function buildProgram(rawIo: Output = processOutput, env: NodeJS.ProcessEnv = process.env) {
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
  const wrap = <A extends unknown[]>(action: Action<A>) =>
    async (...args: A) => {
      const ctx = new CliContext(program.opts<GlobalOptions>(), io, env)
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

  registerLedgerCommands(program, wrap)
  registerConfigCommands(program, wrap)
  registerUiCommand(program, wrap)
  registerAgentCommands(program, wrap)
  registerChatCommands(program, wrap)
  registerConversationCommands(program, wrap)
  registerArtifactCommands(program, wrap)
  registerShellCommand(program, wrap)
  registerRolloutCommands(program, wrap)
  registerEvalCommands(program, wrap)
  registerDoctorCommand(program, wrap)
  registerBackupCommands(program, wrap)
  registerLogsCommand(program, wrap)
  return { program, exitCode: () => exitCode }
}

export type Wrap = <A extends unknown[]>(action: Action<A>) => (...args: A) => Promise<void>

/** Parses argv and runs; returns the exit code instead of exiting (the shell and tests reuse it). */
export async function runCli(argv: string[], rawIo: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const io = safeOutput(rawIo)
  const { program, exitCode } = buildProgram(io, env)
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

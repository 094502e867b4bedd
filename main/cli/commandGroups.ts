import type { Command } from 'commander'
import type { Wrap } from './program'
import type { ServiceNeeds } from './services/load'

/** Registers one command group's commands on the program (its implementation module's export). */
export type Registrar = (program: Command, wrap: Wrap) => void

/**
 * One top-level command group: the names it registers, what its actions need from the context
 * beyond the config, and a loader that imports its implementation only when it runs.
 */
export interface CommandGroup {
  /** Top-level command names this group registers (first word on the command line). */
  readonly names: readonly string[]
  /** `config`: configuration only; `state`: also store, ledger and log files; `engine`: also the engine. */
  readonly needs: ServiceNeeds
  readonly load: () => Promise<Registrar>
}

/**
 * Every `p2engine` command group, in the order `--help` lists them. Only the group whose name is
 * the first word of the command line is imported (help and unknown commands load them all), so a
 * cold `p2engine agent list` does not load the engine, the model client or the templating.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { names: ['ledger'], needs: 'state', load: async () => (await import('./commands/ledger')).registerLedgerCommands },
  { names: ['config'], needs: 'engine', load: async () => (await import('./commands/config')).registerConfigCommands },
  { names: ['ui'], needs: 'engine', load: async () => (await import('./commands/ui')).registerUiCommand },
  { names: ['agent'], needs: 'config', load: async () => (await import('./commands/agent')).registerAgentCommands },
  { names: ['chat'], needs: 'engine', load: async () => (await import('./commands/chat')).registerChatCommands },
  { names: ['conversation'], needs: 'engine', load: async () => (await import('./commands/conversation')).registerConversationCommands },
  { names: ['artifact'], needs: 'engine', load: async () => (await import('./commands/artifact')).registerArtifactCommands },
  { names: ['shell'], needs: 'engine', load: async () => (await import('./commands/shell')).registerShellCommand },
  { names: ['rollout'], needs: 'engine', load: async () => (await import('./commands/rollout')).registerRolloutCommands },
  { names: ['eval'], needs: 'engine', load: async () => (await import('./commands/eval')).registerEvalCommands },
  { names: ['doctor'], needs: 'engine', load: async () => (await import('./commands/doctor')).registerDoctorCommand },
  { names: ['backup', 'restore'], needs: 'engine', load: async () => (await import('./commands/backup')).registerBackupCommands },
  { names: ['logs'], needs: 'engine', load: async () => (await import('./commands/logs')).registerLogsCommand },
  { names: ['bundle'], needs: 'state', load: async () => (await import('./commands/bundle')).registerBundleCommands },
  { names: ['worker'], needs: 'state', load: async () => (await import('./commands/worker')).registerWorkerCommand },
]

/** Global options that take a value (`--home DIR`), so the value is not mistaken for a command. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--home', '--ledger-backend'])

/**
 * The groups a command line needs: the one named by its first word, or every group when there is
 * none (help, no command, an unknown command: commander then lists or suggests among them all).
 */
export function groupsFor(argv: readonly string[]): readonly CommandGroup[] {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--' || a === '-h' || a === '--help') break
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++
      continue
    }
    const group = COMMAND_GROUPS.find((g) => g.names.includes(a))
    return group ? [group] : COMMAND_GROUPS
  }
  return COMMAND_GROUPS
}

/** Whether the command line asks for the version: `-V`/`--version` before any command word. */
export function wantsVersion(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '-V' || a === '--version') return true
    if (a === '--' || !a.startsWith('-')) return false
    if (VALUE_OPTIONS.has(a)) i++
  }
  return false
}

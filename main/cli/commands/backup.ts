import type { Command } from 'commander'
import { homePaths } from '../../engine/paths'
import { backupDatabase, restoreDatabase } from '../../storage/health/backup'
import { describeSummary, formatBytes } from '../../storage/health/summary'
import type { CliContext } from '../context'
import { toJson } from '../output'
import type { Wrap } from '../program'
import { inputOf } from './lineInput'

/** Asks a yes/no question on the command's input; anything but y/yes (or end of input) is no. */
async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  const { reader, owned } = inputOf(ctx.io)
  try {
    const answer = await reader.read(`${question} [y/N] `)
    return answer !== null && /^\s*y(es)?\s*$/i.test(answer)
  } finally {
    if (owned) reader.close()
  }
}

/** `p2engine backup FILE` and `p2engine restore FILE`. */
export function registerBackupCommands(program: Command, wrap: Wrap): void {
  program
    .command('backup <file>')
    .description('copy the database to FILE (consistent even while the app or a rollout runs)')
    .option('--force', 'overwrite FILE if it exists')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, file: string, opts: { force?: boolean; json?: boolean }) => {
      const r = await backupDatabase(ctx.store.db, file, { force: opts.force })
      if (opts.json) return ctx.io.out(toJson(r))
      ctx.io.out(`Backed up ${ctx.store.location} to ${r.file} (${formatBytes(r.bytes)}): ${describeSummary(r.summary)}.`)
      ctx.io.out(`Restore it with: p2engine restore ${r.file}`)
    }))

  program
    .command('restore <file>')
    .description('replace the database with a backup (the current one is kept as p2engine.db.before-restore-<time>); close the app first')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(wrap(async (ctx, file: string, opts: { yes?: boolean; json?: boolean }) => {
      const target = homePaths(ctx.config.settings.home).database
      if (!opts.yes && !(await confirm(ctx, `Replace ${target} with the backup ${file}? The current database is kept next to it.`))) {
        ctx.io.err('Restore cancelled; nothing was changed (pass --yes to skip this question).')
        ctx.exitCode = 1
        return
      }
      const r = await restoreDatabase(file, target)
      if (opts.json) return ctx.io.out(toJson({ file, target, ...r }))
      ctx.io.out(`Restored ${target} from ${file}: ${describeSummary(r.summary)}.`)
      if (r.fromVersion < r.summary.schemaVersion) ctx.io.out(`The backup's schema was upgraded from version ${r.fromVersion} to ${r.summary.schemaVersion}.`)
      if (r.keptAs) ctx.io.out(`The previous database is kept as ${r.keptAs}.`)
    }))
}

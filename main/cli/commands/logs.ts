import { InvalidArgumentError, type Command } from 'commander'
import { resolve } from 'node:path'
import pc from '../colors'
import { ConfigError } from '../../engine/errors'
import { p2engineHome } from '../../engine/paths'
import type { LogLevel } from '../../engine/ports/logger'
import { LOG_SOURCES, logFiles, type LogSource } from '../../logging/files'
import { readLogSince, readLogTail, type LogQuery } from '../../logging/reader'
import { formatRecord, type LogRecord } from '../../logging/records'
import { LEVEL_NAMES, levelOf } from '../../logging/settings'
import type { CliContext } from '../context'
import type { Wrap } from '../program'
import { intOption } from './options'
import { untilSignal } from './ui'

export interface LogsOptions {
  follow?: boolean
  level?: LogLevel
  source?: LogSource[]
  lines: number
  json?: boolean
}

const levelOption = (value: string): LogLevel => {
  const l = levelOf(value)
  if (!l) throw new InvalidArgumentError(`--level must be one of ${Object.keys(LEVEL_NAMES).map((n) => n.toLowerCase()).join(', ')}, got "${value}"`)
  return l
}

const sourceOption = (value: string, previous: LogSource[] | undefined): LogSource[] => {
  const out = [...(previous ?? [])]
  for (const s of value.split(',').map((x) => x.trim().toLowerCase())) {
    if (!(LOG_SOURCES as readonly string[]).includes(s)) throw new InvalidArgumentError(`--source must be ${LOG_SOURCES.join(', ')} (or several, comma-separated), got "${value}"`)
    if (!out.includes(s as LogSource)) out.push(s as LogSource)
  }
  return out
}

const LEVEL_COLOUR: Record<LogLevel, (s: string) => string> = {
  trace: pc.dim, debug: pc.dim, info: (s) => s, warn: pc.yellow, error: pc.red, fatal: (s) => pc.bold(pc.red(s)),
}

/** One record as the CLI prints it: the human line (level coloured) or, with --json, one JSON object. */
export const printable = (r: LogRecord, json: boolean): string => (json ? JSON.stringify(r) : LEVEL_COLOUR[r.level](formatRecord(r)))

/**
 * The state folder whose logs to read: the config's, or, when the config does not load (the
 * moment logs are needed most), `--home` / `P2ENGINE_HOME` / the default with a note.
 */
function homeOf(ctx: CliContext): string {
  try {
    return ctx.config.settings.home
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const home = ctx.globals.home ? resolve(ctx.globals.home) : p2engineHome(ctx.env)
    ctx.io.err(pc.yellow(`The configuration does not load (run 'p2engine config validate'); showing the logs in ${home}.`))
    return home
  }
}

/** `p2engine logs`: the merged tail of the log files; with --follow, new lines until Ctrl-C (or `deps.stop`). */
export async function runLogs(ctx: CliContext, opts: LogsOptions, deps: { stop?: Promise<void>; intervalMs?: number } = {}): Promise<void> {
  const home = homeOf(ctx)
  const q: LogQuery = { ...(opts.source?.length ? { sources: opts.source } : {}), ...(opts.level ? { level: opts.level } : {}) }
  const tail = readLogTail(home, { ...q, lines: opts.lines })
  for (const r of tail.records) ctx.io.out(printable(r, !!opts.json))
  if (!opts.follow) {
    if (!tail.records.length && !opts.json) ctx.io.err(`No log lines${opts.level ? ` at ${opts.level} or above` : ''} yet in ${logFiles(home).dir}.`)
    return
  }
  let cursor = tail.cursor
  let stopped = false
  const stop = (deps.stop ?? untilSignal()).then(() => { stopped = true })
  while (!stopped) {
    await Promise.race([stop, new Promise((r) => setTimeout(r, deps.intervalMs ?? 500))])
    const page = readLogSince(home, cursor, q)
    cursor = page.cursor
    if (page.dropped) ctx.io.err(pc.dim(`… ${page.dropped} lines skipped`))
    for (const r of page.records) ctx.io.out(printable(r, !!opts.json))
  }
}

/** Registers `p2engine logs`. */
export function registerLogsCommand(program: Command, wrap: Wrap): void {
  program
    .command('logs')
    .description('the merged end of the log files in $P2ENGINE_HOME/logs (app.log, workers.log, canton.log)')
    .option('-f, --follow', 'keep printing new lines (follows rotation) until Ctrl-C')
    .option('-l, --level <level>', 'this level and above: trace, debug, info, warn, error, fatal', levelOption)
    .option('-s, --source <source>', `only these files: ${LOG_SOURCES.join(', ')} (repeat or comma-separate)`, sourceOption)
    .option('-n, --lines <n>', 'how many lines to show first', intOption('--lines', 100_000), 100)
    .option('--json', 'one JSON object per line: time, level, source, msg, fields')
    .action(wrap((ctx, opts: LogsOptions) => runLogs(ctx, opts)))
}

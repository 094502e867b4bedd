import type { Command } from 'commander'
import type { CliContext, GlobalOptions } from '../context'
import { pc, table } from '../output'
import type { Wrap } from '../program'
import { buildProgram, loadGroups, runCli } from '../program'
import { inputOf, rawWriter, type InteractiveIo } from './lineInput'
import { commandPairs, splitCommandLine, suggestCommand } from './shellParse'

export const SHELL_BANNER = "p2engine interactive shell (type 'help' or '?' for commands, 'quit' to exit)"
export const SHELL_PROMPT = 'p2engine▸ '

/** The shell's own global options, repeated before every command it runs. */
export function globalArgs(g: GlobalOptions): string[] {
  return [
    ...(g.config ? ['--config', g.config] : []),
    ...(g.home ? ['--home', g.home] : []),
    ...(g.ledgerBackend ? ['--ledger-backend', g.ledgerBackend] : []),
    ...(g.replay ? ['--replay'] : []),
  ]
}

/**
 * Expands `!!` and `!N` (1-based) against the history.
 * @returns the command line, or an error message.
 */
export function expandHistory(line: string, history: readonly string[]): { line: string } | { error: string } {
  if (line === '!!') return history.length ? { line: history[history.length - 1]! } : { error: 'invalid history reference: the history is empty' }
  const m = /^!(\d+)$/.exec(line)
  if (!m) return line.startsWith('!') ? { error: `invalid history reference: ${line}` } : { line }
  const n = Number(m[1])
  return n >= 1 && n <= history.length ? { line: history[n - 1]! } : { error: `invalid history reference: ${line} (history has ${history.length} entr${history.length === 1 ? 'y' : 'ies'})` }
}

/** `p2engine shell`: a REPL running CLI commands in this process; errors never end it. */
async function shellAction(ctx: CliContext): Promise<void> {
  const io = ctx.io
  const pairs = commandPairs(buildProgram(await loadGroups(), io, ctx.env).program).filter((p) => p.name !== 'shell')
  const { reader, owned } = inputOf(io)
  const write = rawWriter(io)
  const innerIo: InteractiveIo = { out: io.out, err: io.err, input: reader, ...(write ? { write } : {}) }
  const history: string[] = []
  io.out(pc.bold(SHELL_BANNER))
  try {
    for (;;) {
      const raw = await reader.read(SHELL_PROMPT)
      if (raw === null) break
      let line = raw.trim()
      if (line === '') continue
      if (line === 'exit' || line === 'quit') break
      if (line === 'help' || line === '?' || line === '--help') {
        io.out(table('Available p2engine commands', ['Command', 'Description'], pairs.map((p) => [p.name, p.description])))
        io.out(pc.dim("Root options work too, e.g. '--help' or 'ledger --help'. 'history', '!!' and '!N' re-run commands."))
        continue
      }
      if (line === 'history') {
        io.out(history.length ? history.map((h, i) => `${String(i + 1).padStart(4)}  ${h}`).join('\n') : 'History is empty.')
        continue
      }
      if (line.startsWith('!')) {
        const x = expandHistory(line, history)
        if ('error' in x) {
          io.err(pc.red(`error: ${x.error}`))
          continue
        }
        line = x.line
        io.out(pc.dim(line))
      }
      history.push(line)
      let words: string[]
      try {
        words = splitCommandLine(line)
      } catch (err) {
        io.err(pc.red(`error: cannot parse the line: ${(err as Error).message}`))
        continue
      }
      if (words[0] === 'shell') {
        io.err(pc.red('error: you are already in the shell'))
        continue
      }
      const hint = suggestCommand(words, pairs)
      if (hint) {
        io.err(pc.red(`error: no such command or option: ${hint.unknown}; did you mean ${pc.bold(hint.suggestion)}?`))
        continue
      }
      try {
        const code = await runCli([...globalArgs(ctx.globals), ...words], innerIo, ctx.env)
        if (code !== 0) io.err(pc.dim(`(exit code ${code})`))
      } catch (err) {
        io.err(pc.red(`internal error (a bug; please report it): ${err instanceof Error ? err.stack ?? err.message : String(err)}`))
      }
    }
  } finally {
    if (owned) reader.close()
  }
  io.out('Bye.')
}

/** Registers `p2engine shell`. */
export function registerShellCommand(program: Command, wrap: Wrap): void {
  program.command('shell').description("interactive REPL: history, '!!', '!N', did-you-mean suggestions").action(wrap(shellAction))
}

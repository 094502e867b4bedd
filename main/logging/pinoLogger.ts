import pino, { type DestinationStream } from 'pino'
import type { LogFields, Logger, LogLevel } from '../engine/ports/logger'
import { censorSecrets, lineScrubber } from './redact'

/** Wraps a pino logger in the engine's {@link Logger} port (`info(msg, fields)`). */
export function adaptPino(p: pino.Logger): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => (fields ? p[level](fields, msg) : p[level](msg))
  return {
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    child: (bindings) => adaptPino(p.child(bindings)),
  }
}

export interface PinoOptions {
  level: LogLevel
  /** Fields on every line, e.g. `{ proc: 'cli' }` (pid is always there). */
  base?: LogFields
  /** Secret values to scrub from every line (see {@link lineScrubber}); or a scrubber of one's own. */
  secrets?: readonly string[]
  scrub?: (line: string) => string
}

/**
 * A pino logger writing JSON lines (`{"level":"info","time":"…ISO…","pid":…,"msg":…}`) to
 * `destination`, with secrets removed twice: by field name ({@link censorSecrets}) and by
 * a value scrub of the serialized line (known keys anywhere, bearer tokens, `sk-` keys).
 */
export function createPino(o: PinoOptions, destination: DestinationStream): pino.Logger {
  // pino() reads its callers' file names from a structured stack trace, used only to resolve
  // `transport` targets (never set here). In the bundled CLI, run from a code cache, V8 re-parses
  // every frame's function for its source positions to build that trace (~20 ms of a cold
  // `ledger balance`), so the trace is captured without frames.
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return pino({
      level: o.level,
      base: { pid: process.pid, ...o.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Secret fields are censored by one walk of each line's fields (and of a child's bindings).
      formatters: { level: (label) => ({ level: label }), log: censorSecrets, bindings: censorSecrets },
      hooks: { streamWrite: o.scrub ?? lineScrubber(o.secrets ?? []) },
    }, destination)
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * The logging port. Engine code logs through a {@link Logger} without knowing the library behind
 * it (pino in the app, the CLI and the workers: `main/logging/`); tests and hosts without log
 * files use {@link noopLogger}.
 */

/** Severity, lowest first (pino's names). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'

/** Every level, lowest first. */
export const LOG_LEVEL_ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']

/** Structured fields of one line (ids, amounts, latencies). Never put secrets here. */
export type LogFields = Record<string, unknown>

/** A structured logger: one call writes one line. */
export interface Logger {
  trace(msg: string, fields?: LogFields): void
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  fatal(msg: string, fields?: LogFields): void
  /** A logger whose every line also carries `bindings` (e.g. `{ component: 'rollouts' }`). */
  child(bindings: LogFields): Logger
}

const nothing = (): void => {}

/** A logger that writes nothing (the default where no host configured logging). */
export const noopLogger: Logger = {
  trace: nothing, debug: nothing, info: nothing, warn: nothing, error: nothing, fatal: nothing,
  child: () => noopLogger,
}

/** A logger whose every line goes to `real()` (asked at each line) and whose children are `child(b)`. */
function forwarding(real: () => Logger, child: (bindings: LogFields) => Logger): Logger {
  return {
    trace: (m, f) => real().trace(m, f),
    debug: (m, f) => real().debug(m, f),
    info: (m, f) => real().info(m, f),
    warn: (m, f) => real().warn(m, f),
    error: (m, f) => real().error(m, f),
    fatal: (m, f) => real().fatal(m, f),
    child,
  }
}

/**
 * A logger that asks `get` for the real one at each line: for a log that does not exist yet (a
 * host's tools load before its config, so before its log file) or is made on first use.
 */
export function deferredLogger(get: () => Logger): Logger {
  const at = (bindings: LogFields[]): Logger => forwarding(() => bindings.reduce((l, b) => l.child(b), get()), (b) => at([...bindings, b]))
  return at([])
}

/** A logger made by `make` on its first line (children too, each once): nothing is built for a log never written. */
export function lazyLogger(make: () => Logger): Logger {
  let real: Logger | undefined
  return forwarding(() => (real ??= make()), (b) => lazyLogger(() => (real ??= make()).child(b)))
}

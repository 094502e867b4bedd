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

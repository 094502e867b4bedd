/**
 * The CLI's stdout and stderr when the reader goes away (`p2engine … | head`): the first failed
 * write marks the stream closed, later writes are dropped, and nothing is thrown — no `EPIPE`
 * stack trace, and a long command (a rollout) keeps running to its end. Process-wide by nature:
 * there is one stdout per process.
 */

let stdoutClosed = false
const closeListeners = new Set<() => void>()

/** Whether stdout's reader has gone away. */
export const isStdoutClosed = (): boolean => stdoutClosed

/** Calls `fn` once when stdout closes (at once if it already has); returns an unsubscribe. */
export function onStdoutClosed(fn: () => void): () => void {
  if (stdoutClosed) {
    fn()
    return () => {}
  }
  closeListeners.add(fn)
  return () => closeListeners.delete(fn)
}

function markStdoutClosed(): void {
  if (stdoutClosed) return
  stdoutClosed = true
  for (const fn of [...closeListeners]) fn()
  closeListeners.clear()
}

let stderrClosed = false

/** Installs the handlers on the process's streams (the CLI entry calls it once). */
export function guardStdio(): void {
  // EPIPE, or any other write error: the output is gone either way, the work is not.
  process.stdout.on('error', markStdoutClosed)
  process.stderr.on('error', () => void (stderrClosed = true))
}

/** Writes to stdout unless its reader has gone away. */
export function writeStdout(text: string): void {
  if (stdoutClosed) return
  try {
    process.stdout.write(text)
  } catch {
    markStdoutClosed()
  }
}

/** Writes to stderr unless it has gone away. */
export function writeStderr(text: string): void {
  if (stderrClosed) return
  try {
    process.stderr.write(text)
  } catch {
    stderrClosed = true
  }
}

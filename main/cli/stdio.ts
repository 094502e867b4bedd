import { fstatSync, statSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'

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
const markStderrClosed = (): void => void (stderrClosed = true)

/**
 * Installs the error handlers on the process's streams (the CLI entry calls it once) when they
 * are created: `process.stdout` and `process.stderr` are built on first use (for a pipe that loads
 * Node's `net` and `tty`, ~7 ms of a cold start), and the CLI's own output does not need them.
 */
export function guardStdio(): void {
  // EPIPE, or any other write error: the output is gone either way, the work is not.
  for (const [name, onError] of [['stdout', markStdoutClosed], ['stderr', markStderrClosed]] as const) {
    const desc = Object.getOwnPropertyDescriptor(process, name)
    if (!desc?.get || !desc.configurable) {
      process[name].on('error', onError)
      continue
    }
    const get = desc.get
    let guarded = false
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: desc.enumerable ?? true,
      get() {
        const stream = get.call(process) as NodeJS.WriteStream
        if (!guarded) {
          guarded = true
          stream.on('error', onError)
        }
        return stream
      },
    })
  }
}

/** Once a write had to go through the stream (a non-blocking descriptor), later ones follow it, in order. */
const viaStream = { 1: false, 2: false }

/**
 * Writes `text` to file descriptor `fd` synchronously, without building `process.stdout`/`stderr`
 * (Node writes to files, pipes and terminals synchronously on Linux and macOS too, so the order
 * with writes through the streams is kept). A descriptor set non-blocking by the reader's side
 * (EAGAIN) hands the rest to the stream, which waits for it; any other failure means the reader
 * is gone.
 */
function writeFd(fd: 1 | 2, text: string): void {
  const stream = (): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr)
  if (viaStream[fd]) {
    stream().write(text)
    return
  }
  const bytes = Buffer.from(text)
  let at = 0
  try {
    while (at < bytes.length) at += writeSync(fd, bytes, at)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
    viaStream[fd] = true
    stream().write(bytes.subarray(at))
  }
}

/** Writes to stdout unless its reader has gone away. */
export function writeStdout(text: string): void {
  if (stdoutClosed) return
  try {
    writeFd(1, text)
  } catch {
    markStdoutClosed()
  }
}

/** Writes to stderr unless it has gone away. */
export function writeStderr(text: string): void {
  if (stderrClosed) return
  try {
    writeFd(2, text)
  } catch {
    markStderrClosed()
  }
}

let terminal: boolean | undefined

/**
 * Whether stdout is a terminal, without building `process.stdout`: a pipe or a file is
 * recognised with one `fstat`, `/dev/null` by its device number; only another character device
 * (a terminal) loads `node:tty` (and `net`, ~4 ms) to ask `isatty`.
 */
export function stdoutIsTerminal(): boolean {
  if (terminal === undefined) {
    try {
      const out = fstatSync(1)
      terminal = out.isCharacterDevice() && !isDevNull(out.rdev) && (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(1)
    } catch {
      terminal = false
    }
  }
  return terminal
}

const isDevNull = (rdev: number): boolean => {
  try {
    return statSync('/dev/null').rdev === rdev
  } catch {
    return false
  }
}

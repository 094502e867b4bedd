import { createInterface, type Interface } from 'node:readline'
import type { Output } from '../output'
import { writeStdout } from '../stdio'
import { processOutput, terminalText } from '../output'

/** Where interactive commands (chat, shell) read lines from. */
export interface LineReader {
  /** The next line (prompt shown on a terminal); null at end of input (EOF, Ctrl-D, Ctrl-C). */
  read(prompt: string): Promise<string | null>
  close(): void
}

/**
 * Output plus optional interactive input and raw (newline-free) writes. The shell and tests pass
 * `input`; without it commands read the process's stdin.
 */
export interface InteractiveIo extends Output {
  input?: LineReader
  /** Writes text without adding a newline (streamed tokens). */
  write?: (text: string) => void
  /** Stops long-running commands (`conversation watch`) when aborted. */
  signal?: AbortSignal
}

/** Raw writer of the io, if it has one (process stdout for the default output). */
export function rawWriter(io: Output): ((text: string) => void) | undefined {
  const w = (io as InteractiveIo).write
  if (w) return w
  return io === processOutput ? (t) => writeStdout(terminalText(t)) : undefined
}

/** Lines from a fixed list (tests, `chat send`). */
export function arrayReader(lines: readonly string[]): LineReader {
  let i = 0
  return { read: async () => (i < lines.length ? lines[i++]! : null), close: () => { i = lines.length } }
}

/**
 * Lines from a stream: a readline prompt on a terminal, plain line-by-line reading otherwise
 * (so `printf 'hi\nexit\n' | p2engine chat with …` works in scripts).
 */
export function streamReader(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin, output: NodeJS.WritableStream = process.stdout): LineReader {
  const terminal = Boolean(input.isTTY)
  const rl: Interface = createInterface({ input, output: terminal ? output : undefined, terminal })
  let closed = false
  rl.on('close', () => { closed = true })
  if (!terminal) {
    const it = rl[Symbol.asyncIterator]()
    return {
      read: async () => {
        // Lines already buffered are still delivered after the stream ended.
        const r = await it.next()
        return r.done ? null : String(r.value)
      },
      close: () => rl.close(),
    }
  }
  let asking = false
  // Ctrl-C at a prompt ends the input; while a command runs it is passed on (stops `conversation watch`).
  rl.on('SIGINT', () => (asking ? rl.close() : void process.emit('SIGINT')))
  return {
    read: (prompt) => new Promise<string | null>((resolve) => {
      if (closed) return resolve(null)
      const onClose = () => resolve(null)
      rl.once('close', onClose)
      asking = true
      rl.question(prompt, (answer) => {
        asking = false
        rl.off('close', onClose)
        resolve(answer)
      })
    }),
    close: () => rl.close(),
  }
}

/** The io's input, or a reader on stdin (the caller closes it). */
export function inputOf(io: Output): { reader: LineReader; owned: boolean } {
  const given = (io as InteractiveIo).input
  return given ? { reader: given, owned: false } : { reader: streamReader(), owned: true }
}

import { stdoutIsTerminal } from './stdio'

/**
 * The CLI's colours: picocolors' codes and nesting rule, decided on first use. picocolors itself
 * decides when it is loaded by reading `process.stdout.isTTY`, which builds the stdout stream
 * (Node's `net` and `tty`, ~7 ms of every cold start) even for a command whose output is a pipe.
 * Here it is decided on first use, without the stream ({@link stdoutIsTerminal}).
 */
let enabled: boolean | undefined

function decide(): boolean {
  const { env, argv } = process
  if (env.NO_COLOR || argv.includes('--no-color')) return false
  if (env.FORCE_COLOR || argv.includes('--color') || process.platform === 'win32' || env.CI) return true
  if (env.TERM === 'dumb') return false
  return stdoutIsTerminal()
}

const on = (): boolean => (enabled ??= decide())

/** `open` + text + `close`, with inner `close` codes re-opened (picocolors' formatter). */
const formatter = (open: string, close: string, replace = open) => (input: unknown): string => {
  const text = `${input}`
  if (!on()) return text
  let index = text.indexOf(close, open.length)
  if (index === -1) return open + text + close
  let result = ''
  let cursor = 0
  do {
    result += text.substring(cursor, index) + replace
    cursor = index + close.length
    index = text.indexOf(close, cursor)
  } while (index !== -1)
  return open + result + text.substring(cursor) + close
}

const pc = {
  get isColorSupported(): boolean {
    return on()
  },
  bold: formatter('\x1b[1m', '\x1b[22m', '\x1b[22m\x1b[1m'),
  dim: formatter('\x1b[2m', '\x1b[22m', '\x1b[22m\x1b[2m'),
  red: formatter('\x1b[31m', '\x1b[39m'),
  green: formatter('\x1b[32m', '\x1b[39m'),
  yellow: formatter('\x1b[33m', '\x1b[39m'),
  magenta: formatter('\x1b[35m', '\x1b[39m'),
  cyan: formatter('\x1b[36m', '\x1b[39m'),
}

export default pc

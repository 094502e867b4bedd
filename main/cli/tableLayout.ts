/**
 * Width math for CLI tables: how wide the terminal is, how wide a cell's text shows, how to wrap
 * it, and how wide each column may be so that a whole table fits. Pure apart from
 * {@link terminalWidth}.
 */

import { stdoutIsTerminal } from './stdio'

/** Width used when stdout is not a terminal (piped, redirected, CI) and `$COLUMNS` is unset. */
export const DEFAULT_WIDTH = 100

/** Tables narrower than this are not squeezed further (the terminal wraps what is left). */
const MIN_WIDTH = 40

/**
 * The width tables must fit: the terminal's columns when stdout is a TTY, else `$COLUMNS` when
 * set, else {@link DEFAULT_WIDTH}.
 */
export function terminalWidth(stdout: { isTTY?: boolean; columns?: number } = stdoutIsTerminal() ? process.stdout : {}, env: NodeJS.ProcessEnv = process.env): number {
  const cols = stdout.isTTY && stdout.columns ? stdout.columns : Number(env.COLUMNS)
  return Number.isInteger(cols) && cols > 0 ? Math.max(cols, MIN_WIDTH) : DEFAULT_WIDTH
}

const ANSI = /\u001b\[[0-9;]*m/g

/** True for code points a terminal shows two columns wide (CJK, emoji). */
function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
}

/** Columns one character takes: 0 for combining marks and variation selectors. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0)!
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0x200d) return 0
  return isWide(cp) ? 2 : 1
}

/** Columns a text takes on screen (colour codes take none). */
export function visibleWidth(text: string): number {
  let n = 0
  for (const ch of text.replace(ANSI, '')) n += charWidth(ch)
  return n
}

/** Characters after which an over-long word may break ("weather_|service", "openai/|gpt-4o"). */
const BREAK_AFTER = /[_\-/.,:]/

/**
 * Splits `word` into pieces of at most `width` columns, after a `_ - / . , :` when one falls in
 * the second half of a piece, else anywhere; colour codes stay with their text.
 */
function splitWord(word: string, width: number): string[] {
  const pieces: string[] = []
  let cur = ''
  let w = 0
  /** Length in `cur` (string index) just after the last break character, and the width there. */
  let brk = -1
  let brkW = 0
  for (const part of word.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      cur += part
      continue
    }
    for (const ch of part) {
      const cw = charWidth(ch)
      if (w + cw > width && w > 0) {
        if (brk > 0 && brkW * 2 >= width) {
          pieces.push(cur.slice(0, brk))
          cur = cur.slice(brk)
          w -= brkW
        } else {
          pieces.push(cur)
          cur = ''
          w = 0
        }
        brk = -1
      }
      cur += ch
      w += cw
      if (BREAK_AFTER.test(ch)) {
        brk = cur.length
        brkW = w
      }
    }
  }
  if (cur !== '') pieces.push(cur)
  return pieces
}

/** Cuts one line to `width` columns, ending with "…" (and a colour reset when it had colour). */
export function cutText(line: string, width: number): string {
  const head = splitWord(line.replace(/\n/g, ' '), Math.max(1, width - 1))[0] ?? ''
  return head + '…' + (/\u001b\[/.test(head) ? '\u001b[0m' : '')
}

/** Wraps text at word boundaries to `width` columns; a word longer than that is split. */
export function wrapText(text: string, width: number): string {
  const out: string[] = []
  for (const line of text.split('\n')) {
    let cur = ''
    let w = 0
    for (const word of line.split(/ +/)) {
      const ww = visibleWidth(word)
      if (w > 0 && w + 1 + ww <= width) {
        cur += ` ${word}`
        w += 1 + ww
        continue
      }
      if (w > 0 || cur !== '') out.push(cur)
      if (ww <= width) {
        cur = word
        w = ww
        continue
      }
      const pieces = splitWord(word, width)
      out.push(...pieces.slice(0, -1))
      cur = pieces[pieces.length - 1] ?? ''
      w = visibleWidth(cur)
    }
    out.push(cur)
  }
  return out.join('\n')
}

/** Widest line of a cell. */
const cellWidth = (text: string): number => Math.max(0, ...text.split('\n').map(visibleWidth))
/** Widest word of a cell, at most `cap`: below it a column would break words. */
const wordWidth = (text: string, cap: number): number => Math.min(cap, Math.max(0, ...text.split(/\s+/).map(visibleWidth)))

export interface ColumnLayout {
  /** Text width of each column (padding excluded). */
  widths: number[]
  /** Spaces left and right of each cell's text. */
  padding: 0 | 1
}

/** Tried in order until the table fits: [padding, longest word kept whole (at most)]. */
const ATTEMPTS: readonly (readonly [0 | 1, number])[] = [[1, 12], [1, 10], [1, 8], [0, 10], [0, 8], [0, 6], [0, 3]]

/**
 * Column widths for `rows` (header included) so the table, borders and padding included, fits
 * `total` columns: natural widths when they fit; else the widest columns shrink, first no further
 * than their longest word (at most 12, then 10, 8), then without padding, then breaking words.
 * Columns in `keep` keep their natural width while any attempt fits that way.
 */
export function fitColumns(rows: readonly (readonly string[])[], total: number, keep: readonly number[] = []): ColumnLayout {
  const n = Math.max(0, ...rows.map((r) => r.length))
  const natural = Array.from({ length: n }, (_, i) => Math.max(1, ...rows.map((r) => cellWidth(r[i] ?? ''))))
  for (const whole of keep.length ? [true, false] : [false]) {
    for (const [padding, cap] of ATTEMPTS) {
      const floor = Array.from({ length: n }, (_, i) => (whole && keep.includes(i) ? natural[i]! : Math.max(1, ...rows.map((r) => wordWidth(r[i] ?? '', cap)))))
      const widths = shrink(natural, floor, total - (n + 1) - 2 * padding * n)
      if (widths) return { widths, padding }
    }
  }
  return { widths: natural.map((w) => Math.min(w, 3)), padding: 0 }
}

/** Takes one column at a time from the widest column above its floor until the sum fits `room`. */
function shrink(natural: readonly number[], floor: readonly number[], room: number): number[] | null {
  const widths = [...natural]
  let sum = widths.reduce((a, b) => a + b, 0)
  while (sum > room) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i
    if (widest < 0) return null
    widths[widest]!--
    sum--
  }
  return widths
}

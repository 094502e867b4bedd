import Table from 'cli-table3'
import pc from './colors'
import { writeStderr, writeStdout } from './stdio'
import { cutText, fitColumns, terminalWidth, visibleWidth, wrapText } from './tableLayout'
import { safeText } from './safeText'

/** Where CLI output goes; tests capture it. */
export interface Output {
  out(text: string): void
  err(text: string): void
}

/**
 * Text made safe for the terminal: control characters escaped (see {@link safeText}); the
 * CLI's own colour codes are kept while colour is on (when it is off there are none to keep), and
 * tabs are kept (data cells that must not carry them are escaped with {@link safeText} first).
 */
export const terminalText = (text: string): string => safeText(text, { keepColour: pc.isColorSupported, keepTabs: true })

/**
 * The process's stdout and stderr, terminal-safe ({@link terminalText}); writes after the reader
 * went away are dropped (see `stdio.ts`).
 */
export const processOutput: Output = {
  out: (t) => writeStdout(terminalText(t.endsWith('\n') ? t : t + '\n')),
  err: (t) => writeStderr(terminalText(t.endsWith('\n') ? t : t + '\n')),
}

/**
 * `io` with every line (and streamed write) passed through {@link terminalText}: every table,
 * message and error the CLI prints is terminal-safe, whatever the output. {@link processOutput}
 * is returned as it is (it already is safe, and commands recognise it by identity).
 */
export function safeOutput<T extends Output & { write?: (text: string) => void }>(io: T): T {
  if (io === processOutput) return io
  const write = io.write
  return {
    ...io,
    out: (t: string) => io.out(terminalText(t)),
    err: (t: string) => io.err(terminalText(t)),
    ...(write ? { write: (t: string) => write(terminalText(t)) } : {}),
  }
}

/** Pretty JSON for `--json` (bigints as strings). */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)

const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/

const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }

/** Wraps each cell to its column's width (cells that fit are left as they are). */
const wrapRow = (row: readonly string[], widths: readonly number[]): string[] =>
  row.map((c, i) => (c.split('\n').some((l) => visibleWidth(l) > widths[i]!) ? wrapText(c, widths[i]!) : c))

/** A cli-table3 table whose columns fit `width` (see {@link fitColumns}), long cells wrapped. */
function fitted(head: readonly string[] | null, rows: readonly string[][], width: number, nowrap: readonly number[] = []): string {
  // Columns of times (formatTime) are never wrapped either.
  const times = rows.length ? (rows[0] ?? []).flatMap((_, i) => (rows.every((r) => r[i] === '–' || TIME.test(r[i] ?? '')) ? [i] : [])) : []
  const { widths, padding } = fitColumns(head ? [head, ...rows] : rows, width, [...nowrap, ...times])
  const t = new Table({
    ...(head ? { head: wrapRow(head, widths).map((h) => pc.bold(h)) } : {}),
    colWidths: widths.map((w) => w + 2 * padding),
    style: { head: [], border: [], 'padding-left': padding, 'padding-right': padding },
    chars: COMPACT,
  })
  for (const r of rows) t.push(wrapRow(r, widths))
  return t.toString()
}

/** One line cut to `width` columns with "…" (colour codes are kept whole). */
export function fitLine(line: string, width = terminalWidth()): string {
  return visibleWidth(line) <= width ? line : cutText(line, width)
}

/** Running text (a note, a tie, a hint) wrapped at word boundaries to the terminal's width. */
export function paragraph(text: string, width = terminalWidth()): string {
  return wrapText(text, width)
}

/** A bold title, wrapped to the width. */
const titleLine = (title: string, width: number): string => pc.bold(wrapText(title, width))

export interface TableOptions {
  /** Width to fit; default {@link terminalWidth}. */
  width?: number
  /** Headers of columns never wrapped (ids meant to be copied), as long as the table can fit without. */
  nowrap?: readonly string[]
}

/**
 * A titled human table that fits the terminal ({@link terminalWidth}: the TTY's columns, else
 * `$COLUMNS`, else 100): columns shrink and long cells wrap, so no line is wider than that.
 */
export function table(title: string | null, head: string[], rows: (string | number)[][], opts: TableOptions = {}): string {
  const width = opts.width ?? terminalWidth()
  const keep = head.flatMap((h, i) => (opts.nowrap?.includes(h) ? [i] : []))
  return (title ? titleLine(title, width) + '\n' : '') + fitted(head, rows.map((r) => r.map(String)), width, keep)
}

/** A two-column key/value panel that fits the terminal like {@link table}. */
export function panel(title: string, entries: [string, string | number][], width = terminalWidth()): string {
  return titleLine(title, width) + '\n' + fitted(null, entries.map(([k, v]) => [pc.bold(k), String(v)]), width)
}

export { pc }

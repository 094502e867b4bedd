import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { z } from 'zod'
import type { LogLevel } from '../engine/ports/logger'
import { LOG_SOURCES, logFiles, type LogSource } from './files'
import { atLeast, fieldsText, parseLine, type LogRecord } from './records'

/** What to read: the sources, the lowest level, a text to find, how many lines. */
export interface LogQuery {
  sources?: readonly LogSource[]
  /** This level and above (default: every level). */
  level?: LogLevel
  /** Case-insensitive text the message or a field must contain. */
  search?: string
  /** The newest N lines (tail) or at most N new lines (since a cursor). */
  lines?: number
}

/** Where reading stopped in each file: its inode (to notice a rotation) and byte offset. */
const CursorSchema = z.partialRecord(z.enum(['app', 'workers', 'canton']), z.object({ ino: z.number(), offset: z.number().int().min(0) }))
export type LogCursor = z.infer<typeof CursorSchema>

/** A page of records, oldest first, and the cursor to read what comes after it. */
export interface LogPage {
  records: LogRecord[]
  cursor: string
  /** Lines skipped because more than `lines` arrived at once. */
  dropped: number
}

const MAX_TAIL_BYTES = 16 * 1024 * 1024

function readRange(file: string, start: number, end: number): { text: string; ino: number } {
  const fd = openSync(file, 'r')
  try {
    const ino = fstatSync(fd).ino
    const len = Math.max(0, end - start)
    const buf = Buffer.alloc(len)
    let got = 0
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, start + got)
      if (n === 0) break
      got += n
    }
    return { text: buf.subarray(0, got).toString('utf8'), ino }
  } finally {
    closeSync(fd)
  }
}

const matches = (r: LogRecord, q: LogQuery): boolean => {
  if (q.level && !atLeast(r.level, q.level)) return false
  if (!q.search) return true
  const needle = q.search.toLowerCase()
  return r.msg.toLowerCase().includes(needle) || fieldsText(r).toLowerCase().includes(needle)
}

/** Parses complete lines; a line without a time (Canton's continuation lines) takes the one before it. */
function parseText(text: string, source: LogSource, carry = ''): LogRecord[] {
  const out: LogRecord[] = []
  let last = carry
  for (const line of text.split('\n')) {
    const r = parseLine(line, source)
    if (!r) continue
    if (!r.time) r.time = last
    last = r.time
    out.push(r)
  }
  return out
}

/** The newest lines of one source (the live file, then rotated ones while more are needed). */
function tailOf(home: string, source: LogSource, q: LogQuery, want: number): { records: LogRecord[]; at?: { ino: number; offset: number } } {
  const live = logFiles(home)[source]
  let at: { ino: number; offset: number } | undefined
  let records: LogRecord[] = []
  for (let i = 0; i <= 100; i++) {
    const file = i === 0 ? live : `${live}.${i}`
    if (!existsSync(file)) {
      if (i === 0) continue
      break
    }
    const size = statSync(file).size
    const start = Math.max(0, size - MAX_TAIL_BYTES)
    const { text, ino } = readRange(file, start, size)
    // Only whole lines: the live file may end in a line still being written.
    const end = i === 0 ? text.lastIndexOf('\n') + 1 : text.length
    const body = start > 0 ? text.slice(text.indexOf('\n') + 1, end) : text.slice(0, end)
    if (i === 0) at = { ino, offset: start + Buffer.byteLength(text.slice(0, end)) }
    records = [...parseText(body, source).filter((r) => matches(r, q)), ...records]
    if (records.length >= want) break // (want 0: only the cursor)
  }
  return { records: want > 0 ? records.slice(-want) : [], ...(at ? { at } : {}) }
}

/** Oldest first, by time; lines of one file keep their order. */
function merge(lists: LogRecord[][]): LogRecord[] {
  return lists.flat().map((r, i) => ({ r, i })).sort((a, b) => (a.r.time < b.r.time ? -1 : a.r.time > b.r.time ? 1 : a.i - b.i)).map((x) => x.r)
}

/**
 * What was written to the files rotated away since `prev` (the file it pointed at is now
 * `live.k`): the rest of that file from the cursor's offset, then `live.(k-1)` … `live.1` whole.
 * Nothing when the file is gone (rotated past the kept count).
 */
function rotatedSince(live: string, prev: { ino: number; offset: number }): string[] {
  for (let k = 1; k <= 100 && existsSync(`${live}.${k}`); k++) {
    const st = statSync(`${live}.${k}`)
    if (st.ino !== prev.ino) continue
    const out = [readRange(`${live}.${k}`, Math.min(prev.offset, st.size), st.size).text]
    for (let j = k - 1; j >= 1; j--) {
      const f = `${live}.${j}`
      if (existsSync(f)) out.push(readRange(f, 0, statSync(f).size).text)
    }
    return out
  }
  return []
}

const encode = (c: LogCursor): string => JSON.stringify(c)

/** Reads a cursor from {@link readLogTail} / {@link readLogSince}; a bad one starts from the ends of the files. */
export function decodeCursor(cursor: string): LogCursor | null {
  try {
    const r = CursorSchema.safeParse(JSON.parse(cursor))
    return r.success ? r.data : null
  } catch {
    return null
  }
}

/** The newest `lines` (default 200) records of the chosen sources, merged by time, and a cursor at the ends of the files. */
export function readLogTail(home: string, q: LogQuery = {}): LogPage {
  const want = q.lines ?? 200
  const cursor: LogCursor = {}
  const lists: LogRecord[][] = []
  for (const source of q.sources ?? LOG_SOURCES) {
    const t = tailOf(home, source, q, want)
    lists.push(t.records)
    if (t.at) cursor[source] = t.at
  }
  return { records: want > 0 ? merge(lists).slice(-want) : [], cursor: encode(cursor), dropped: 0 }
}

/**
 * The records written after `cursor` (at most `lines`, default 1000; the newest are kept). A file
 * rotated since (another inode at the path) is read to its end from the rotated copy first, then
 * the new file from its start.
 */
export function readLogSince(home: string, cursor: string, q: LogQuery = {}): LogPage {
  const from = decodeCursor(cursor)
  if (!from) return { ...readLogTail(home, { ...q, lines: 0 }), records: [] }
  const max = q.lines ?? 1000
  const next: LogCursor = {}
  const lists: LogRecord[][] = []
  for (const source of q.sources ?? LOG_SOURCES) {
    const live = logFiles(home)[source]
    const prev = from[source]
    const texts: string[] = []
    if (existsSync(live)) {
      const st = statSync(live)
      let start = 0
      if (prev && prev.ino === st.ino && prev.offset <= st.size) start = prev.offset
      else if (prev) texts.push(...rotatedSince(live, prev))
      const { text, ino } = readRange(live, start, st.size)
      if (ino !== st.ino) {
        // Rotated between the stat and the open: read it all on the next call.
        if (prev) next[source] = prev
        continue
      }
      const end = text.lastIndexOf('\n') + 1
      texts.push(text.slice(0, end))
      next[source] = { ino, offset: start + Buffer.byteLength(text.slice(0, end)) }
    }
    lists.push(parseText(texts.join(''), source).filter((r) => matches(r, q)))
  }
  const all = merge(lists)
  return { records: all.slice(-max), cursor: encode(next), dropped: Math.max(0, all.length - max) }
}

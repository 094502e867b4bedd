import { LOG_LEVEL_ORDER, type LogLevel } from '../engine/ports/logger'
import type { LogSource } from './files'

/** One log line, parsed: what `p2engine logs` prints and the Logs view lists. */
export interface LogRecord {
  /** ISO time ('' when the line had none and nothing before it did). */
  time: string
  level: LogLevel
  source: LogSource
  msg: string
  /** Every other field of a JSON line (ids, amounts, latencies, the error). */
  fields: Record<string, unknown>
}

/** Fields every line has; not repeated in the human format. */
const STANDARD = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v'])

const PINO_NUMBERS: Record<number, LogLevel> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' }

const levelFrom = (v: unknown): LogLevel | undefined =>
  typeof v === 'number' ? PINO_NUMBERS[v] : typeof v === 'string' && (LOG_LEVEL_ORDER as readonly string[]).includes(v) ? (v as LogLevel) : undefined

/** A line of another program (Canton: `2026-01-02 10:00:00,123 [main] INFO  c.d.… - text`). */
const FOREIGN_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?/
const FOREIGN_LEVEL = /\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b/

/**
 * Parses one line of a log file: a pino JSON line, or (Canton's own output) plain text whose
 * time and level are taken from the text when present. Empty lines give null.
 */
export function parseLine(line: string, source: LogSource): LogRecord | null {
  const text = line.replace(/\r$/, '')
  if (!text.trim()) return null
  if (text.startsWith('{')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>
      const level = levelFrom(obj.level)
      if (level && typeof obj.msg === 'string') {
        const fields: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(obj)) if (!STANDARD.has(k)) fields[k] = v
        const time = typeof obj.time === 'number' ? new Date(obj.time).toISOString() : typeof obj.time === 'string' ? obj.time : ''
        return { time, level, source, msg: obj.msg, fields }
      }
    } catch {
      // not JSON after all: a plain line
    }
  }
  const t = FOREIGN_TIME.exec(text)
  const time = t ? `${t[1]}T${t[2]}.${(t[3] ?? '0').padEnd(3, '0').slice(0, 3)}Z` : ''
  const l = FOREIGN_LEVEL.exec(text.slice(0, 120))?.[1]
  const level: LogLevel = l === 'WARNING' ? 'warn' : ((l?.toLowerCase() as LogLevel | undefined) ?? 'info')
  return { time, level, source, msg: text, fields: {} }
}

/** Whether `level` is `min` or more severe. */
export const atLeast = (level: LogLevel, min: LogLevel): boolean => LOG_LEVEL_ORDER.indexOf(level) >= LOG_LEVEL_ORDER.indexOf(min)

const pad2 = (n: number) => String(n).padStart(2, '0')

/** `2026-12-02 07:01:02.345` in local time (the raw ISO text when it does not parse). */
export function localTime(iso: string): string {
  const d = new Date(iso)
  if (!iso || Number.isNaN(d.getTime())) return iso || '-'.repeat(23)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** One field as `key=value`: strings quoted when they hold spaces, long values cut. */
function showField(key: string, value: unknown): string {
  let v: string
  if (typeof value === 'string') v = /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value
  else if (value && typeof value === 'object' && 'message' in value && typeof (value as { message: unknown }).message === 'string') {
    const e = value as { message: string; code?: unknown }
    v = JSON.stringify(e.code ? `${String(e.code)}: ${e.message}` : e.message)
  } else v = JSON.stringify(value) ?? String(value)
  return `${key}=${v.length > 200 ? `${v.slice(0, 199)}…` : v}`
}

/** The key fields of a record as `k=v k=v` (everything but time, level, message and pid). */
export function fieldsText(r: LogRecord): string {
  return Object.entries(r.fields).map(([k, v]) => showField(k, v)).join(' ')
}

/**
 * The human one-line format (console and `p2engine logs`):
 * `2026-12-02 07:01:02.345 INFO  app      model call finished  model=openai/gpt-4o tokens=812`.
 */
export function formatRecord(r: LogRecord): string {
  const extra = fieldsText(r)
  return `${localTime(r.time)} ${r.level.toUpperCase().padEnd(5)} ${r.source.padEnd(8)} ${r.msg}${extra ? `  ${extra}` : ''}`
}

import type { LogLevelName, LogLine, LogSourceName } from './types'

/** Levels lowest first. */
export const LEVELS: readonly LogLevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal']
export const SOURCES: readonly LogSourceName[] = ['app', 'workers', 'canton']

export interface LogFilters {
  /** This level and above. */
  level: LogLevelName
  sources: readonly LogSourceName[]
  /** Case-insensitive text in the message or a field value. */
  search: string
}

export const DEFAULT_FILTERS: LogFilters = { level: 'info', sources: SOURCES, search: '' }

/** `key=value` pairs of a line's fields (the list shows them after the message; search looks in them). */
export function fieldsText(line: LogLine): string {
  return Object.entries(line.fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(' ')
}

/** The lines that pass the filters, in order. */
export function filterLines(lines: readonly LogLine[], f: LogFilters): LogLine[] {
  const min = LEVELS.indexOf(f.level)
  const needle = f.search.trim().toLowerCase()
  return lines.filter((l) =>
    LEVELS.indexOf(l.level) >= min
    && f.sources.includes(l.source)
    && (!needle || l.msg.toLowerCase().includes(needle) || fieldsText(l).toLowerCase().includes(needle)))
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `07:01:02.345` in local time ('' when the line had none). */
export function clockTime(iso: string): string {
  const d = new Date(iso)
  if (!iso || Number.isNaN(d.getTime())) return ''
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** Lines as plain text, one per line, as `p2engine logs` prints them (for Copy). */
export function linesAsText(lines: readonly LogLine[]): string {
  return lines.map((l) => {
    const f = fieldsText(l)
    return `${l.time} ${l.level.toUpperCase().padEnd(5)} ${l.source.padEnd(8)} ${l.msg}${f ? `  ${f}` : ''}`
  }).join('\n')
}

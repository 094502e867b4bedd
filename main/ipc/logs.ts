import { LOGS_MAX_MSG_CHARS, type LogLine } from '../../preload/contract'
import { logFiles } from '../logging/files'
import { readLogSince, readLogTail, type LogQuery } from '../logging/reader'
import type { LogRecord } from '../logging/records'
import type { HandlerTable } from './register'
import type { AppServices } from './services'

type LogsChannel = Extract<keyof HandlerTable, `logs:${string}`>

const MAX_FIELD_CHARS = 4000

/** A record cut to the contract's limits (a Canton stack trace or a long error stays readable, not huge). */
function toLine(r: LogRecord): LogLine {
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(r.fields)) {
    const text = typeof v === 'string' ? v : JSON.stringify(v) ?? ''
    fields[k] = text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : v
  }
  const msg = r.msg.length > LOGS_MAX_MSG_CHARS ? `${r.msg.slice(0, LOGS_MAX_MSG_CHARS - 1)}…` : r.msg
  return { time: r.time.slice(0, 64), level: r.level, source: r.source, msg, fields }
}

/** Handlers of `logs:*`: the Logs view reads the host's log files (the same reader as `p2engine logs`). */
export function logsHandlers(services: AppServices): Pick<HandlerTable, LogsChannel> {
  return {
    'logs:tail': (input) => {
      const home = services.config.settings.home
      const q: LogQuery = {
        ...(input.sources?.length ? { sources: input.sources } : {}),
        ...(input.level ? { level: input.level } : {}),
        ...(input.search ? { search: input.search } : {}),
        lines: input.lines ?? 500,
      }
      const page = input.cursor ? readLogSince(home, input.cursor, q) : readLogTail(home, q)
      return { lines: page.records.map(toLine), cursor: page.cursor, dropped: page.dropped, dir: logFiles(home).dir }
    },
  }
}

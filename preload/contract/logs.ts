import { z } from 'zod'
import { defineInvoke } from './define'

/** Logs domain: the app's log files (`$P2ENGINE_HOME/logs`) for the Logs view. */

export const LogLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
export type LogLevelName = z.infer<typeof LogLevelSchema>
export const LogSourceSchema = z.enum(['app', 'workers', 'canton'])
export type LogSourceName = z.infer<typeof LogSourceSchema>

/** Most records one `logs:tail` answers. */
export const LOGS_MAX_LINES = 1000
/** Characters of a message sent to the UI (longer ones are cut with `…`). */
export const LOGS_MAX_MSG_CHARS = 4000

export const LogLineSchema = z.object({
  time: z.string().max(64),
  level: LogLevelSchema,
  source: LogSourceSchema,
  msg: z.string().max(LOGS_MAX_MSG_CHARS),
  /** The line's other fields (ids, amounts, latencies, the error), secrets already removed. */
  fields: z.record(z.string(), z.unknown()),
})
export type LogLine = z.infer<typeof LogLineSchema>

export const LogsTailInputSchema = z.object({
  /** Where the last answer stopped; absent: the newest `lines`. */
  cursor: z.string().max(4000).optional(),
  sources: z.array(LogSourceSchema).max(3).optional(),
  /** This level and above. */
  level: LogLevelSchema.optional(),
  /** Case-insensitive text in the message or a field. */
  search: z.string().max(200).optional(),
  lines: z.int().min(1).max(LOGS_MAX_LINES).optional(),
}).strict()

export const LogsPageSchema = z.object({
  lines: z.array(LogLineSchema).max(LOGS_MAX_LINES),
  cursor: z.string(),
  /** Lines left out because more than `lines` arrived since the cursor. */
  dropped: z.int().min(0),
  /** The log folder, for "open the files yourself". */
  dir: z.string(),
})
export type LogsPage = z.infer<typeof LogsPageSchema>

export const logsInvokes = {
  'logs:tail': defineInvoke('log lines of app.log, workers.log and canton.log: the newest, or those written after a cursor', LogsTailInputSchema, LogsPageSchema),
} as const

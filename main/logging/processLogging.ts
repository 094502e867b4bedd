import { BroadcastChannel } from 'node:worker_threads'
import pino, { type DestinationStream } from 'pino'
import { lazyLogger, type Logger, type LogLevel } from '../engine/ports/logger'
import { logFiles, openLogFile, sizeInBytes, type LogFile } from './files'
import { adaptPino, createPino } from './pinoLogger'
import { formatRecord, parseLine } from './records'
import { lineScrubber } from './redact'
import { WORKER_LOG_CHANNEL, type WorkerLogMessage } from './channel'
import type { LoggingSettings } from './settings'

export { WORKER_LOG_CHANNEL, type WorkerLogMessage } from './channel'

const isWorkerLine = (x: unknown): x is WorkerLogMessage =>
  !!x && typeof (x as WorkerLogMessage).file === 'string' && typeof (x as WorkerLogMessage).line === 'string'

/** The logging of one process (app or CLI). */
export interface ProcessLogging {
  logger: Logger
  /** Writes to `workers.log` from this thread (the pool's own lines: worker threads started and exited). */
  workersLogger: Logger
  settings: LoggingSettings
  files: ReturnType<typeof logFiles>
  /** Options for the Canton sandbox manager: its phases in `app.log`, `canton.log` rotated like the others. */
  sandboxLog(): { logger: Logger; logRotation: { maxBytes: number; keep: number } }
  /** Adds a secret to scrub from every later line (a key entered after start). */
  addSecret(value: string): void
  /** Flushes and closes the files; later lines are dropped. Safe to call twice. */
  close(): Promise<void>
}

export interface ProcessLoggingOptions {
  home: string
  settings: LoggingSettings
  /** Which kind of process writes (`app`: the desktop app; `cli`: a command, `p2engine ui` included). */
  proc: 'app' | 'cli'
  secrets: readonly string[]
  /** Where the human console format goes when LOG_TO_CONSOLE is on (default stderr). */
  consoleOut?: (line: string) => void
}

/**
 * Opens `logs/app.log` for this process (rotated by size, 0600, JSON lines) and collects the
 * lines of this process's worker threads into `logs/workers.log`: each worker posts whole lines
 * on a BroadcastChannel and this thread appends them one write each, so lines never interleave.
 * With LOG_TO_CONSOLE the same lines are also printed to stderr in the human format.
 */
export function startProcessLogging(o: ProcessLoggingOptions): ProcessLogging {
  const files = logFiles(o.home)
  const secrets = [...o.secrets]
  let scrub = lineScrubber(secrets)
  const rotation = { maxSize: o.settings.maxSize, maxFiles: o.settings.maxFiles }
  const app = openLogFile(files.dir, 'app.log', rotation)
  const consoleOut = o.consoleOut ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const toConsole = (line: string, source: 'app' | 'workers') => {
    const r = parseLine(line, source)
    if (r) consoleOut(formatRecord(r))
  }
  const streams: pino.StreamEntry<LogLevel>[] = [{ level: o.settings.level, stream: { write: (s: string) => void (closed || app.write(s)) } as DestinationStream }]
  if (o.settings.console) streams.push({ level: o.settings.level, stream: { write: (s: string) => toConsole(s, 'app') } as DestinationStream })
  const p = createPino({ level: o.settings.level, base: { proc: o.proc }, scrub: (s) => scrub(s) }, pino.multistream(streams))

  let workers: LogFile | undefined
  const writeWorkers = (raw: string) => {
    if (closed) return
    workers ??= openLogFile(files.dir, 'workers.log', rotation)
    // Scrubbed in the worker already; once more with this process's secrets.
    const line = scrub(raw.endsWith('\n') ? raw : `${raw}\n`)
    workers.write(line)
    if (o.settings.console) toConsole(line, 'workers')
  }
  const channel = new BroadcastChannel(WORKER_LOG_CHANNEL)
  channel.unref()
  channel.onmessage = (e) => {
    const data = (e as { data?: unknown }).data
    if (isWorkerLine(data) && data.file === files.workers) writeWorkers(data.line)
  }
  // Built on its first line: most commands never start a worker.
  const pool = lazyLogger(() => adaptPino(createPino({ level: o.settings.workerLevel, base: { proc: o.proc, component: 'pool' }, scrub: (s) => scrub(s) }, { write: writeWorkers })))

  let closed = false
  return {
    logger: adaptPino(p),
    workersLogger: pool,
    sandboxLog() {
      return { logger: this.logger.child({ component: 'canton' }), logRotation: { maxBytes: sizeInBytes(o.settings.maxSize), keep: o.settings.maxFiles } }
    },
    settings: o.settings,
    files,
    addSecret(value) {
      if (!value || secrets.includes(value)) return
      secrets.push(value)
      scrub = lineScrubber(secrets)
    },
    async close() {
      if (closed) return
      // Lines workers posted just before the end are still queued: let them arrive.
      await new Promise((r) => setImmediate(r))
      closed = true
      channel.close()
      app.end()
      workers?.end()
    },
  }
}

import { BroadcastChannel, threadId } from 'node:worker_threads'
import type { DestinationStream } from 'pino'
import type { Logger, LogLevel } from '../engine/ports/logger'
import { logFiles } from './files'
import { adaptPino, createPino } from './pinoLogger'
import { WORKER_LOG_CHANNEL, type WorkerLogMessage } from './channel'

let channel: BroadcastChannel | null = null

/**
 * A logger for a worker thread: each finished JSON line (tagged with the thread id) is posted
 * whole to the process that owns `logs/workers.log` (see `startProcessLogging`), which writes it
 * in one append. A process that is not listening (a test running a task inline) drops the lines.
 */
export function workerLogger(o: { home: string; level: LogLevel; secrets: readonly string[] }): Logger {
  const file = logFiles(o.home).workers
  channel ??= new BroadcastChannel(WORKER_LOG_CHANNEL)
  // Must not keep the thread alive.
  channel.unref()
  const ch = channel
  const destination: DestinationStream = {
    write(line: string) {
      try {
        ch.postMessage({ file, line } satisfies WorkerLogMessage)
      } catch {
        // the channel is closed while the thread ends: the line is lost, the task is not
      }
    },
  }
  return adaptPino(createPino({ level: o.level, base: { proc: 'worker', thread: threadId }, secrets: o.secrets }, destination))
}

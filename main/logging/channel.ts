/** The channel worker threads post their finished log lines on (see `workerLogging.ts`, `processLogging.ts`). */
export const WORKER_LOG_CHANNEL = 'p2engine:log-lines'

/** One message on {@link WORKER_LOG_CHANNEL}: a complete JSON line for the `workers.log` at `file`. */
export interface WorkerLogMessage {
  file: string
  line: string
}

// A worker thread for the logging tests: writes `count` lines through the worker logger, each
// long enough that a torn write would show, then reports back.
import { parentPort, workerData } from 'node:worker_threads'
import { workerLogger } from '../workerLogging'

const { home, count, secret } = workerData as { home: string; count: number; secret: string }
const log = workerLogger({ home, level: 'info', secrets: [secret] })
for (let i = 0; i < count; i++) log.info(`line ${i}`, { i, filler: 'x'.repeat(2000), leaked: `key is ${secret}` })
parentPort?.postMessage('done')
